package dev.dirtypages.agent.collector;

import dev.dirtypages.agent.log.AgentLog;
import java.time.Duration;
import java.time.Instant;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

/**
 * The type of every G1 region, as JFR tells it: {@code jdk.G1HeapRegionInformation} once (every region, from a
 * safepoint operation at the start of the stream's chunk), then every {@code jdk.G1HeapRegionTypeChange}, read
 * through an in-process {@link RecordingStream}. The stream delivers events after JFR's flush, up to about a second
 * after the change; see {@link HeapLayout} for why a late layout loses nothing.
 *
 * <p>Until the first snapshot arrives every region is {@link MemoryKind#HEAP}: measured, as with plain arming. A
 * region that held old or humongous data at any time since the previous scan is measured by the next scan even if
 * it is free by then (its writes are reported once more, not left in a freed region); one that was eden or
 * survivor at any time since is assumed written by it.
 *
 * <p>Quirks of the event, handled here: JDK 17 reports Free to Free when a region is initialised and Old to Old
 * when a young region is relabelled old; JDK 25 reports the relabelling with from and to swapped (Old to Eden,
 * Survivor, or Free for a full collection's compaction targets): an event from Old to anything for a region not
 * believed old is read as that region becoming old. Archive regions (CDS) count as old.
 */
public final class G1RegionTypes implements HeapLayout {
    static final String TYPE_CHANGE = "jdk.G1HeapRegionTypeChange";
    static final String INFORMATION = "jdk.G1HeapRegionInformation";

    private final long heapStart;
    private final long regionSize;
    private final int shift;
    private final int count;
    private final Object lock = new Object();
    /** {@link MemoryKind} per region. */
    private final MemoryKind[] kinds;
    /** The region was eden or survivor at some time since the previous scan. */
    private final boolean[] youngSince;
    /** The region was old or humongous at some time since the previous scan. */
    private final boolean[] keptSince;
    private final AgentLog log;
    private RecordingStream stream;
    private volatile boolean snapshotSeen;
    /** The stream closed: the types are no longer followed. */
    private boolean streamEnded;
    private long events;
    private long maxLagNanos;

    G1RegionTypes(long heapStart, long heapEnd, long regionSize, AgentLog log) {
        if (Long.bitCount(regionSize) != 1 || regionSize < 4096) {
            throw new IllegalArgumentException("G1 region size is not a power of two: " + regionSize);
        }
        this.heapStart = heapStart;
        this.regionSize = regionSize;
        this.shift = Long.numberOfTrailingZeros(regionSize);
        this.count = (int) ((heapEnd - heapStart + regionSize - 1) >>> shift);
        this.kinds = new MemoryKind[count];
        java.util.Arrays.fill(kinds, MemoryKind.HEAP);
        this.youngSince = new boolean[count];
        this.keptSince = new boolean[count];
        this.log = log;
    }

    /** Starts following the region types of the heap {@code [heapStart, heapEnd)}. */
    public static G1RegionTypes follow(long heapStart, long heapEnd, long regionSize, AgentLog log) {
        G1RegionTypes types = new G1RegionTypes(heapStart, heapEnd, regionSize, log);
        RecordingStream rs = new RecordingStream();
        try {
            rs.setReuse(false);
            rs.setMaxAge(Duration.ofSeconds(10));
            rs.enable(TYPE_CHANGE).withoutStackTrace().withoutThreshold();
            rs.enable(INFORMATION).with("period", "beginChunk");
            rs.onEvent(TYPE_CHANGE, types::typeChanged);
            rs.onEvent(INFORMATION, types::information);
            rs.onClose(types::streamEnded);
            // On a daemon thread of ours: startAsync's thread is not a daemon, and would keep the JVM from exiting.
            Thread reader = new Thread(() -> {
                try {
                    rs.start();
                } catch (RuntimeException e) {
                    log.debug("the G1 region stream ended: " + e);
                } finally {
                    types.streamEnded();
                }
            }, "dirtypages-g1-regions");
            reader.setDaemon(true);
            reader.start();
        } catch (RuntimeException e) {
            rs.close();
            throw e;
        }
        types.stream = rs;
        return types;
    }

    private void streamEnded() {
        synchronized (lock) {
            streamEnded = true;
        }
    }

    private void information(RecordedEvent e) {
        int i = indexOf(e.getLong("start"));
        if (i >= 0) {
            set(i, MemoryKind.HEAP, parse(e.getString("type")), e.getEndTime());
        }
        snapshotSeen = true;
    }

    private void typeChanged(RecordedEvent e) {
        int i = indexOf(e.getLong("start"));
        if (i >= 0) {
            set(i, parse(e.getString("from")), parse(e.getString("to")), e.getEndTime());
        }
    }

    /** Applies one change; public to the package for tests of the quirks. */
    void set(int i, MemoryKind from, MemoryKind to, Instant when) {
        synchronized (lock) {
            if (from == MemoryKind.OLD && to != MemoryKind.OLD && kinds[i] != MemoryKind.OLD) {
                // JDK 25 reports relabelling a region as old with from and to swapped: "Old to <what it was>", for
                // young regions and for a full collection's free compaction targets alike. A region really freed
                // from old was old before; one not known to be old is taken as old (measured: the safe side).
                to = MemoryKind.OLD;
            }
            kinds[i] = to;
            markSince(i, from);
            markSince(i, to);
            events++;
            if (when != null) {
                long lag = Duration.between(when, Instant.now()).toNanos();
                maxLagNanos = Math.max(maxLagNanos, lag);
            }
        }
    }

    private void markSince(int i, MemoryKind kind) {
        switch (kind) {
            case EDEN:
            case SURVIVOR:
                youngSince[i] = true;
                break;
            case OLD:
            case HUMONGOUS:
            case HEAP:
                keptSince[i] = true;
                break;
            default:
                break;
        }
    }

    /** The kind a JFR region type names: Free, Eden, Survivor, Old, Starts/Continues Humongous, ... Archive. */
    static MemoryKind parse(String type) {
        if (type == null) {
            return MemoryKind.HEAP;
        }
        if (type.contains("Humongous")) {
            return MemoryKind.HUMONGOUS;
        }
        switch (type) {
            case "Free":
                return MemoryKind.FREE;
            case "Eden":
                return MemoryKind.EDEN;
            case "Survivor":
                return MemoryKind.SURVIVOR;
            case "Old":
                return MemoryKind.OLD;
            default:
                return type.contains("Archive") ? MemoryKind.OLD : MemoryKind.HEAP;
        }
    }

    private int indexOf(long address) {
        long offset = address - heapStart;
        if (offset < 0) {
            return -1;
        }
        long i = offset >>> shift;
        return i < count ? (int) i : -1;
    }

    /** Whether the first snapshot of every region's type has arrived (before it, everything is measured). */
    public boolean knowsRegions() {
        return snapshotSeen;
    }

    @Override
    public void forEachSpan(long start, long end, boolean complete, SpanVisitor visitor) {
        synchronized (lock) {
            if (streamEnded) {
                // Nothing tells the types any more (JFR stopped: the JVM exits, or the stream failed): measure all.
                visitor.span(start, end, MemoryKind.HEAP, MemoryKind.Treatment.MEASURE);
                return;
            }
            int first = Math.max(0, indexOf(start));
            int last = indexOf(end - 1);
            if (start < heapStart || last < 0) {
                visitor.span(start, end, MemoryKind.HEAP, MemoryKind.Treatment.MEASURE); // outside what we know
                return;
            }
            long runStart = start;
            MemoryKind runKind = null;
            MemoryKind.Treatment runTreatment = null;
            for (int i = first; i <= last; i++) {
                MemoryKind kind = kinds[i];
                MemoryKind.Treatment treatment = keptSince[i] ? MemoryKind.Treatment.MEASURE
                        : youngSince[i] && kind.treatment() == MemoryKind.Treatment.SKIP ? MemoryKind.Treatment.ASSUME
                        : kind.treatment();
                if (complete && treatment == MemoryKind.Treatment.SKIP) {
                    treatment = MemoryKind.Treatment.MEASURE;
                }
                youngSince[i] = false;
                keptSince[i] = false;
                long regionStart = Math.max(start, heapStart + ((long) i << shift));
                if (kind != runKind || treatment != runTreatment) {
                    if (runKind != null) {
                        visitor.span(runStart, regionStart, runKind, runTreatment);
                    }
                    runStart = regionStart;
                    runKind = kind;
                    runTreatment = treatment;
                }
            }
            visitor.span(runStart, end, runKind, runTreatment);
        }
    }

    @Override
    public String describe() {
        synchronized (lock) {
            return String.format("G1 region types from JFR (%d regions of %d MiB; %s; %d changes so far, the latest "
                    + "%d ms after the change)", count, regionSize >> 20,
                    snapshotSeen ? "snapshot seen" : "no snapshot yet, every region measured", events,
                    maxLagNanos / 1_000_000);
        }
    }

    @Override
    public void close() {
        RecordingStream rs = stream;
        if (rs != null) {
            try {
                rs.close();
            } catch (RuntimeException e) {
                log.debug("closing the G1 region stream: " + e);
            }
        }
    }
}
