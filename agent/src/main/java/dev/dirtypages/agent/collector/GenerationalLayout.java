package dev.dirtypages.agent.collector;

import dev.dirtypages.kernel.proc.Mapping;
import dev.dirtypages.kernel.proc.ProcMaps;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The heap of Parallel and Serial: a young generation of fixed place, {@code MaxNewSize} long, at the top of the
 * reservation (Parallel) or at its bottom (Serial), and the old generation in the rest. Neither moves for the life
 * of the JVM; only their committed ends move, at collections.
 *
 * <p>The old generation is measured whole (its uncommitted part holds no pages and costs nothing). The young
 * generation is assumed written as far as it is committed: its read-write mappings in /proc/self/maps, read again
 * only after a collection (the only time the generations are resized); where they cannot be read, the whole young
 * reservation.
 */
public final class GenerationalLayout implements HeapLayout {
    private final String collector;
    private final long youngStart;
    private final long youngEnd;
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private long collectionsSeen = -1;
    /** The committed young memory, {start, end} pairs in address order. */
    private List<long[]> youngCommitted = List.of();

    private GenerationalLayout(String collector, long youngStart, long youngEnd) {
        this.collector = collector;
        this.youngStart = youngStart;
        this.youngEnd = youngEnd;
    }

    /** Parallel: the young generation is the top {@code maxNewSize} bytes of {@code [heapStart, heapEnd)}. */
    public static GenerationalLayout parallel(long heapStart, long heapEnd, long maxNewSize) {
        return new GenerationalLayout("Parallel", Math.max(heapStart, heapEnd - maxNewSize), heapEnd);
    }

    /** Serial: the young generation is the bottom {@code maxNewSize} bytes of {@code [heapStart, heapEnd)}. */
    public static GenerationalLayout serial(long heapStart, long heapEnd, long maxNewSize) {
        return new GenerationalLayout("Serial", heapStart, Math.min(heapEnd, heapStart + maxNewSize));
    }

    public long youngStart() {
        return youngStart;
    }

    public long youngEnd() {
        return youngEnd;
    }

    @Override
    public void forEachSpan(long start, long end, boolean complete, SpanVisitor visitor) {
        refreshYoungCommitted();
        // Address order: below the young generation, the young generation, above it.
        if (start < youngStart) {
            visitor.span(start, Math.min(end, youngStart), MemoryKind.OLD, MemoryKind.Treatment.MEASURE);
        }
        for (long[] young : youngCommitted) {
            long s = Math.max(start, young[0]);
            long e = Math.min(end, young[1]);
            if (s < e) {
                visitor.span(s, e, MemoryKind.YOUNG, MemoryKind.Treatment.ASSUME);
            }
        }
        if (end > youngEnd) {
            visitor.span(Math.max(start, youngEnd), end, MemoryKind.OLD, MemoryKind.Treatment.MEASURE);
        }
    }

    private void refreshYoungCommitted() {
        long collections = 0;
        for (GarbageCollectorMXBean bean : collectors) {
            collections += Math.max(0, bean.getCollectionCount());
        }
        if (collections == collectionsSeen) {
            return;
        }
        collectionsSeen = collections;
        youngCommitted = committed(youngStart, youngEnd);
    }

    /** The read-write parts of {@code [start, end)}; all of it where /proc/self/maps cannot be read. */
    static List<long[]> committed(long start, long end) {
        List<long[]> spans = new ArrayList<>(2);
        try {
            for (Mapping m : ProcMaps.overlapping(ProcMaps.self(), start, end)) {
                if (!m.writable()) {
                    continue;
                }
                long s = Math.max(start, m.start());
                long e = Math.min(end, m.end());
                if (!spans.isEmpty() && spans.get(spans.size() - 1)[1] == s) {
                    spans.get(spans.size() - 1)[1] = e;
                } else {
                    spans.add(new long[] {s, e});
                }
            }
        } catch (RuntimeException e) {
            return List.of(new long[] {start, end});
        }
        return spans;
    }

    @Override
    public String describe() {
        return String.format("%s young generation [0x%x, 0x%x) assumed written, the old generation measured", collector,
                youngStart, youngEnd);
    }

    @Override
    public void close() {
    }
}
