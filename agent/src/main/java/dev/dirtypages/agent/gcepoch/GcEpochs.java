package dev.dirtypages.agent.gcepoch;

import dev.dirtypages.agent.collector.KindedSpan;
import dev.dirtypages.agent.events.GcKindWritesEvent;
import dev.dirtypages.agent.events.GcWritesEvent;
import dev.dirtypages.agent.log.AgentLog;
import dev.dirtypages.agent.sample.PauseScanHooks;
import dev.dirtypages.agent.sample.PauseScanReport;
import dev.dirtypages.agent.sample.Sampler;
import dev.dirtypages.kernel.AddressRange;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.gcpause.GcPauseLibrary;
import dev.dirtypages.kernel.gcpause.GcPauseScans;
import dev.dirtypages.kernel.gcpause.PauseScan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * GC epochs: scans at the start and end of every collection pause ({@code gcepochs=true}).
 *
 * <p>Data path: the GC-pause library scans the measured spans of {@link Sampler#heapSpans()} inside each pause
 * (what the timer scans measure: under collector-aware arming old and humongous memory); this class drains it
 * (on its own thread, woken at each pause's end, and at the end of every Java scan), hands each scan to the
 * sampler ({@link Sampler#acceptPauseScan}: a scan id, the listeners), waits for the pause's JFR event
 * ({@link GcIdJoin}), then has the sampler emit the scans' events with the pause's gcId and emits
 * {@code dirtypages.GcWrites} and {@code dirtypages.GcKindWrites}.
 *
 * <p>Locks: {@link #drain} runs with the sampler's scan lock held, then takes this object's; the drain thread takes
 * the scan lock through the sampler first, so the order is always scan lock, then this.
 */
public final class GcEpochs implements PauseScanHooks {
    /** Ranges a pause scans at most (beyond, the gaps between them are scanned too; off-heap blocks never are). */
    static final int MAX_RANGES = 1024;
    /** Written ranges the pauses between two drains may report: 24 bytes each, 12 MiB. */
    static final long MAX_REGIONS = 512 * 1024;
    /** Scans between two drains: 4096 pauses, in case the drain thread is kept off the CPU. */
    static final int MAX_RECORDS = 8192;
    /** How long a pause waits for its JFR event before it is emitted with gcId 0. */
    static final long JOIN_WAIT_NANOS = 10_000_000_000L;
    private static final int AWAIT_MILLIS = 500;
    /** How long the exit waits for the last pauses' JFR events. */
    static final long EXIT_JOIN_WAIT_NANOS = 1_500_000_000L;

    private final Sampler sampler;
    /** Set once the scans are on (the hooks are given to the sampler only then). */
    private volatile GcPauseScans scans;
    private final Optional<GcIdJoin> join;
    private final AgentLog log;
    private final List<String> problems;
    /** Pauses taken in and waiting for their gcId, by pause number; guarded by this. */
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    /**
     * The heap's spans the pauses were given, by the version of the ranges made of them (a pause scan says which
     * version it scanned), from the oldest a scan may still carry; guarded by this.
     */
    private final TreeMap<Long, List<KindedSpan>> spansByVersion = new TreeMap<>();
    private long skippedPauses;
    private long unjoined;
    private volatile boolean stopped;
    private Thread thread;

    /** A pause's two scans, as taken in. */
    private static final class Pending {
        PauseScanReport start;
        PauseScanReport end;
        Map<String, Long> startKinds = Map.of();
        Map<String, Long> endKinds = Map.of();
        long unscannedBytes;
        long epochOffset;
        final long takenNanos = System.nanoTime();
    }

    private GcEpochs(Sampler sampler, Optional<GcIdJoin> join, AgentLog log, List<String> problems) {
        this.sampler = sampler;
        this.join = join;
        this.log = log;
        this.problems = problems;
    }

    /**
     * Loads the GC-pause library and starts the scans in pauses for {@code sampler}'s armed ranges, on a thread
     * of their own once the JDK's pause events stream (so that the agent's start does not wait for that). Where
     * the library cannot load or the JVM refuses the GC events: one line, {@code problems} says why, and empty
     * (timer scans go on alone).
     */
    public static Optional<GcEpochs> start(Sampler sampler, AgentLog log, List<String> problems) {
        GcPauseLibrary.Result loaded = GcPauseLibrary.load();
        if (!loaded.ok()) {
            refused(loaded.problem(), log, problems);
            return Optional.empty();
        }
        GcEpochs epochs = new GcEpochs(sampler, GcIdJoin.start(log), log, problems);
        epochs.thread = new Thread(epochs::run, "dirtypages-gc-epochs");
        epochs.thread.setDaemon(true);
        epochs.thread.start();
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(epochs::stop, "dirtypages-gc-epochs-shutdown"));
        } catch (IllegalStateException shuttingDown) {
            epochs.stop();
        }
        return Optional.of(epochs);
    }

    private static void refused(String problem, AgentLog log, List<String> problems) {
        problems.add("gcepochs=true: " + problem);
        log.warn("gcepochs=true but no scans in GC pauses (" + problem + "); timer scans go on");
    }

    /**
     * Switches the pause scans on, at once: the stream of the JDK's pause events starts meanwhile, and the few
     * pauses before its recording runs are scanned all the same (their JDK events never come: gcId 0).
     */
    private boolean startScans() {
        synchronized (this) {
            if (stopped) {
                return false;
            }
            List<KindedSpan> now = sampler.heapSpans();
            List<AddressRange> first = MemoryKindSplit.pauseRanges(now, MAX_RANGES);
            try {
                scans = GcPauseScans.start(MAX_RANGES, MAX_REGIONS, MAX_RECORDS, first);
            } catch (RuntimeException e) {
                refused(e.getMessage(), log, problems);
                return false;
            }
            spansByVersion.put(0L, now);
        }
        sampler.pauseScanHooks(this);
        log.info("gcepochs: scanning the heap at the start and end of every GC pause (what the timer scans measure)");
        return true;
    }

    @Override
    public void held(boolean held) {
        scans.held(held);
    }

    @Override
    public void javaScan(boolean begins) {
        scans.javaScan(begins);
    }

    /** Takes in what the pauses scanned. Called with the sampler's scan lock held. */
    @Override
    public synchronized void drain() {
        GcPauseScans.Drained drained = scans.drain();
        long offset = GcIdJoin.monotonicToEpochOffset();
        long oldestVersion = Long.MAX_VALUE;
        for (PauseScan scan : drained.scans()) {
            oldestVersion = Math.min(oldestVersion, scan.rangesVersion());
            PauseScanReport report = sampler.acceptPauseScan(scan);
            Pending p = pending.computeIfAbsent(scan.pause(), k -> new Pending());
            p.epochOffset = offset;
            // Its ranges were made of these spans: its pages' kinds are those spans'.
            List<KindedSpan> spans = spansOf(scan.rangesVersion());
            Map<String, Long> kinds = MemoryKindSplit.pagesByKind(scan.ranges(), spans);
            p.unscannedBytes = MemoryKindSplit.unscannedBytes(spans);
            if (scan.kind() == PauseScan.Kind.START) {
                p.start = report;
                p.startKinds = kinds;
            } else {
                p.end = report;
                p.endKinds = kinds;
            }
        }
        if (drained.skippedPauses() > 0) {
            String line = "gcepochs: " + drained.skippedPauses() + " pauses not scanned (the buffer was not drained in "
                    + "time); their writes are reported by the next scan";
            if (skippedPauses == 0) {
                log.warn(line + "; further ones at log=debug");
            } else {
                log.debug(line);
            }
            skippedPauses += drained.skippedPauses();
        }
        if (oldestVersion != Long.MAX_VALUE) {
            spansByVersion.headMap(Math.min(oldestVersion, spansByVersion.lastKey())).clear();
        }
        refreshRanges();
    }

    private List<KindedSpan> spansOf(long version) {
        List<KindedSpan> spans = spansByVersion.get(version);
        return spans != null ? spans : spansByVersion.lastEntry().getValue();
    }

    /** Called with the scan lock held, in JFR's last end-of-chunk hook: what waits is emitted now. */
    @Override
    public void recordingsEnding() {
        emitJoined(true);
    }

    /**
     * Gives the library the ranges of the sampler's latest spans when they changed (their kinds alone too: the
     * scans' versions then say which kinds apply).
     */
    private void refreshRanges() {
        List<KindedSpan> now = sampler.heapSpans();
        if (!now.equals(spansByVersion.lastEntry().getValue())) {
            spansByVersion.put(scans.ranges(MemoryKindSplit.pauseRanges(now, MAX_RANGES)), now);
        }
    }

    private void run() {
        if (!startScans()) {
            return;
        }
        while (!stopped) {
            scans.await(AWAIT_MILLIS);
            try {
                sampler.drainPauseScans();
                sampler.whileRecording(() -> emitJoined(false));
            } catch (RuntimeException e) {
                log.error("gcepochs: draining the pause scans failed, tracking continues: " + e);
            }
        }
    }

    /**
     * Emits the pauses whose JFR pause has arrived, and those that waited too long (all of them if {@code all}).
     * Called with the sampler's scan lock held, inside {@link Sampler#whileRecording} (or in JFR's last chunk end,
     * before it ends the recordings): a pause taken out of {@link #pending} is emitted whole before JFR's last
     * chunk can end, never dropped on the way.
     */
    private void emitJoined(boolean all) {
        List<Pending> ready = new ArrayList<>();
        List<Optional<JfrPause>> matches = new ArrayList<>();
        synchronized (this) {
            long lastPause = pending.isEmpty() ? 0 : pending.keySet().stream().mapToLong(Long::longValue).max().getAsLong();
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, Pending> entry = it.next();
                Pending p = entry.getValue();
                if (p.start != null && p.end == null && !all && entry.getKey() == lastPause) {
                    continue;   // its end is in the next drain (a later pause's scans mean it has none)
                }
                Optional<JfrPause> match = join.flatMap(j -> j.match(begin(p) + p.epochOffset, end(p) + p.epochOffset));
                // Only time says a JFR pause will not come: the stream orders events within each flush, and a
                // thread's buffer flushed late brings older events after newer ones.
                boolean waitedEnough = System.nanoTime() - p.takenNanos > JOIN_WAIT_NANOS || join.isEmpty();
                if (match.isPresent() || waitedEnough || all) {
                    match.ifPresent(m -> join.get().claim(m));   // in pause order: the window holding it comes first
                    ready.add(p);
                    matches.add(match);
                    it.remove();
                }
            }
        }
        for (int i = 0; i < ready.size(); i++) {
            emit(ready.get(i), matches.get(i));
        }
    }

    private static long begin(Pending p) {
        return (p.start != null ? p.start : p.end).scan().beginNanos();
    }

    private static long end(Pending p) {
        return (p.end != null ? p.end : p.start).scan().endNanos();
    }

    private void emit(Pending p, Optional<JfrPause> match) {
        long gcId = match.map(JfrPause::gcId).orElse(0L);
        if (match.isEmpty()) {
            unjoined++;
            log.debug("gcepochs: a pause was not joined to a jdk.GCPhasePause (" + unjoined + " so far)");
        }
        if (p.start != null) {
            sampler.emitPauseScan(p.start, gcId);
        }
        if (p.end != null) {
            sampler.emitPauseScan(p.end, gcId);
        }
        PauseScan start = p.start == null ? null : p.start.scan();
        PauseScan end = p.end == null ? null : p.end.scan();
        GcWritesEvent event = new GcWritesEvent();
        if (event.shouldCommit()) {
            event.gcId = gcId;
            event.pauseName = match.map(JfrPause::name).orElse("");
            event.startScanId = p.start == null ? 0 : p.start.scanId();
            event.endScanId = p.end == null ? 0 : p.end.scanId();
            event.mutatorPages = start == null ? 0 : start.pages();
            event.mutatorBytes = event.mutatorPages * Pages.SIZE;
            event.collectorPages = end == null ? 0 : end.pages();
            event.collectorBytes = event.collectorPages * Pages.SIZE;
            event.pauseStart = Math.floorDiv(begin(p) + p.epochOffset, 1_000_000L);
            event.pauseTime = end(p) - begin(p);
            event.startScanTime = start == null ? 0 : start.durationNanos();
            event.endScanTime = end == null ? 0 : end.durationNanos();
            event.truncated = start != null && start.truncated() || end != null && end.truncated();
            event.overlapped = start != null && start.overlapped() || end != null && end.overlapped();
            event.held = start != null && start.held() || end != null && end.held();
            event.unscannedBytes = p.unscannedBytes;
            event.commit();
        }
        if (new GcKindWritesEvent().isEnabled()) {
            Map<String, long[]> byKind = new TreeMap<>();
            p.startKinds.forEach((k, n) -> byKind.computeIfAbsent(k, x -> new long[2])[0] += n);
            p.endKinds.forEach((k, n) -> byKind.computeIfAbsent(k, x -> new long[2])[1] += n);
            for (Map.Entry<String, long[]> e : byKind.entrySet()) {
                GcKindWritesEvent kind = new GcKindWritesEvent();
                kind.gcId = gcId;
                kind.startScanId = p.start == null ? 0 : p.start.scanId();
                kind.memoryKind = e.getKey();
                kind.mutatorPages = e.getValue()[0];
                kind.mutatorBytes = kind.mutatorPages * Pages.SIZE;
                kind.collectorPages = e.getValue()[1];
                kind.collectorBytes = kind.collectorPages * Pages.SIZE;
                kind.commit();
            }
        }
    }

    /**
     * At exit, the JFR events of the last pauses are still on their way through the stream: waits for them a
     * bounded time, so that those pauses are joined too.
     */
    private void awaitLastPauses() {
        Pending last = null;
        synchronized (this) {
            for (Pending p : pending.values()) {
                last = p;
            }
        }
        if (last == null || join.isEmpty()) {
            return;
        }
        try {
            join.get().awaitMatch(begin(last) + last.epochOffset, end(last) + last.epochOffset, EXIT_JOIN_WAIT_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Switches the pause scans off and emits what waits (joined where its JFR pause has arrived). */
    public void stop() {
        GcPauseScans on;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            on = scans;
        }
        Thread t = thread;
        if (on == null) {
            if (t != null) {
                t.interrupt();   // still waiting for the stream
            }
            join.ifPresent(GcIdJoin::close);
            return;
        }
        on.stop();
        if (t != null) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            sampler.drainPauseScans();
            awaitLastPauses();
            sampler.whileRecording(() -> emitJoined(true));
        } catch (RuntimeException e) {
            log.debug("gcepochs: final drain failed: " + e);
        }
        join.ifPresent(GcIdJoin::close);
        if (skippedPauses > 0) {
            log.debug("gcepochs: " + skippedPauses + " pauses were not scanned");
        }
    }
}
