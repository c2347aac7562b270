package dev.dirtypages.agent.consumer;

import dev.dirtypages.agent.sample.ScanTrigger;
import dev.dirtypages.agent.offheap.ArmedSpan;
import dev.dirtypages.agent.log.AgentLog;
import dev.dirtypages.agent.sample.Sampler;
import dev.dirtypages.agent.sample.ScanListener;
import dev.dirtypages.agent.sample.ScanSummary;
import dev.dirtypages.agent.track.TrackedRegion;
import dev.dirtypages.agent.track.TrackedRegions;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Consumers with epochs of their own: each registers, and later asks for every range written since its
 * previous checkpoint, whatever scans happened in between. The write protection has one owner, the
 * sampler; consumers see its scans as a {@link ScanListener}: each scan's written ranges go into every
 * consumer's pending set (a {@link RangeSet}, bounded), and a checkpoint scans at once (so the answer is
 * current), then hands that set back and empties it. The timer's JFR events are unaffected, and no
 * consumer takes writes from another: each has its own set.
 *
 * <p>Memory is bounded per consumer by its range bound (a consumer that never comes back costs at most
 * that, and the work of adding each scan's ranges to its set), and in all by {@value #MAX_CONSUMERS}
 * consumers. There is no idle timeout: a dump every few hours is a normal schedule.
 *
 * <p>The listener is attached to the sampler only while a consumer is registered, so that the sampler's
 * rule (no scans while nobody reads them) holds again once the last consumer leaves.
 */
public final class Consumers implements ScanListener, ConsumersMXBean {
    public static final int MAX_CONSUMERS = 64;
    public static final int DEFAULT_MAX_RANGES = 4096;
    public static final int MAX_MAX_RANGES = 1_000_000;
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration MAX_LEASE = Duration.ofMinutes(10);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Sampler sampler;
    private final TrackedRegions regions;
    private final Supplier<List<ArmedSpan>> offHeapSpans;
    private final AgentLog log;
    /** Guarded by {@code this}. */
    private final Map<String, Consumer> byName = new LinkedHashMap<>();
    /** What the scanning thread iterates: replaced, never changed. */
    private volatile Consumer[] active = new Consumer[0];
    /** Guarded by {@code this}; created with the first freeze. */
    private ScheduledThreadPoolExecutor leases;

    /**
     * @param offHeapSpans the armed off-heap blocks' spans now ({@code List::of} where none are tracked): listed
     *                     with the regions, for tools that copy what is tracked
     */
    public Consumers(Sampler sampler, TrackedRegions regions, Supplier<List<ArmedSpan>> offHeapSpans, AgentLog log) {
        this.sampler = sampler;
        this.regions = regions;
        this.offHeapSpans = offHeapSpans;
        this.log = log;
    }

    /**
     * Makes {@code consumers} reachable by the application as the platform MBean {@value ConsumersMXBean#OBJECT_NAME}.
     * A failure is one line in the log; the consumers work on for the channel.
     */
    public static void publish(Consumers consumers, AgentLog log) {
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(
                    new StandardMBean(consumers, ConsumersMXBean.class, true), new ObjectName(OBJECT_NAME));
        } catch (JMException | RuntimeException e) {
            log.warn("the consumers' MBean " + OBJECT_NAME + " is not available: " + e);
        }
    }

    @Override
    public synchronized void register(String name, int maxRanges) {
        checkName(name);
        if (maxRanges == 0) {
            maxRanges = DEFAULT_MAX_RANGES;
        }
        if (maxRanges < 1 || maxRanges > MAX_MAX_RANGES) {
            throw new IllegalArgumentException("maxRanges must be 1.." + MAX_MAX_RANGES + " (0: "
                    + DEFAULT_MAX_RANGES + "): " + maxRanges);
        }
        if (byName.containsKey(name)) {
            throw new IllegalStateException("consumer '" + name + "' is already registered (CHECKPOINT it to go on "
                    + "with its epoch, or UNREGISTER it to start anew)");
        }
        if (byName.size() >= MAX_CONSUMERS) {
            throw new IllegalStateException("already " + MAX_CONSUMERS + " consumers (" + String.join(", ",
                    byName.keySet()) + "); unregister one first");
        }
        boolean first = byName.isEmpty();
        byName.put(name, new Consumer(name, maxRanges));
        active = byName.values().toArray(new Consumer[0]);
        if (first) {
            sampler.addListener(this);
        }
        log.debug("consumer '" + name + "' registered (at most " + maxRanges + " ranges)");
    }

    @Override
    public synchronized boolean unregister(String name) {
        if (byName.remove(name) == null) {
            return false;
        }
        active = byName.values().toArray(new Consumer[0]);
        if (byName.isEmpty()) {
            sampler.removeListener(this);
        }
        log.debug("consumer '" + name + "' unregistered");
        return true;
    }

    private synchronized Consumer get(String name) {
        Consumer c = byName.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no consumer '" + name + "'"
                    + (byName.isEmpty() ? " (none is registered)" : " (registered: " + String.join(", ", byName.keySet()) + ")"));
        }
        return c;
    }

    @Override
    public Checkpoint checkpoint(String name) {
        Consumer c = get(name);
        ScanSummary scan = sampler.scanNow(ScanTrigger.CONSUMER);
        return c.take(scan.scanId(), scan.scanId() == 0);
    }

    /**
     * The consumer's last checkpoint before its process is stopped: scans (as {@link #checkpoint} does),
     * then holds every re-arming scan until the freeze ends, and hands back the ranges. Every page written
     * after the freeze's scan stays WRITTEN for a read-only {@code PAGEMAP_SCAN}; the union of the two is
     * everything written since the previous checkpoint. Scans asked for while the freeze lasts are skipped;
     * the first scan after it reports what was written meanwhile (to JFR, and to every consumer).
     *
     * @param lease how long the freeze may last at most, up to {@link #MAX_LEASE}
     */
    public Freeze freeze(String name, Duration lease) {
        if (lease.isNegative() || lease.isZero() || lease.compareTo(MAX_LEASE) > 0) {
            throw new IllegalArgumentException("a freeze lasts from 1 ms to " + MAX_LEASE.toSeconds() + " s: " + lease);
        }
        Consumer c = get(name);
        ScanSummary scan = sampler.scanNow(ScanTrigger.CONSUMER);
        // Hold first, take second: ranges a scan found between the two are in the set taken.
        sampler.hold();
        Freeze freeze;
        try {
            Checkpoint checkpoint = c.take(scan.scanId(), scan.scanId() == 0);
            freeze = new Freeze(checkpoint, lease.toNanos(), sampler::release);
        } catch (RuntimeException | Error e) {
            sampler.release();
            throw e;
        }
        freeze.expireWith(leases().schedule(() -> {
            if (freeze.isActive()) {
                log.warn("freeze by consumer '" + name + "' ran out after " + lease.toMillis() + " ms; scanning resumes");
                freeze.expire();
            }
        }, lease.toNanos(), TimeUnit.NANOSECONDS));
        return freeze;
    }

    private synchronized ScheduledThreadPoolExecutor leases() {
        if (leases == null) {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "dirtypages-freeze-lease");
                t.setDaemon(true);
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            leases = executor;
        }
        return leases;
    }

    /**
     * What is tracked now, one line each in address order, as the channel's {@code REGIONS} lists it: the regions
     * ({@code start-end name}) and the spans of the armed off-heap blocks ({@code start-end name generation=<g>},
     * see {@link ArmedSpan}). Addresses in hexadecimal, the end exclusive.
     */
    public List<String> regionLines() {
        record Line(long start, String text) {
        }
        List<Line> lines = new ArrayList<>();
        for (TrackedRegion r : regions.list()) {
            lines.add(new Line(r.start(), String.format("%x-%x %s", r.start(), r.end(), r.name())));
        }
        for (ArmedSpan s : offHeapSpans.get()) {
            lines.add(new Line(s.start(), String.format("%x-%x %s generation=%d", s.start(), s.end(), s.name(),
                    s.generation())));
        }
        lines.sort(Comparator.comparingLong(Line::start));
        List<String> out = new ArrayList<>(lines.size());
        for (Line l : lines) {
            out.add(l.text());
        }
        return out;
    }

    @Override
    public synchronized String[] getConsumers() {
        List<String> out = new ArrayList<>();
        for (Consumer c : byName.values()) {
            out.add(c.describe());
        }
        return out.toArray(new String[0]);
    }

    @Override
    public String[] getRegions() {
        return regionLines().toArray(new String[0]);
    }

    /** How many ranges the consumer holds now (for tests and listings). */
    public int pendingRanges(String name) {
        return get(name).pendingRanges();
    }

    @Override
    public void written(long scanId, TrackedRegion region, long start, long end) {
        for (Consumer c : active) {
            c.written(start, end);
        }
    }

    @Override
    public void scanCompleted(long scanId, ScanSummary summary) {
        for (Consumer c : active) {
            c.scanCompleted();
        }
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a consumer's name is 1 to 64 of A-Z a-z 0-9 . _ -: '" + name + "'");
        }
    }
}
