package dev.dirtypages.agent.sample;

import dev.dirtypages.agent.collector.MemoryKind;
import dev.dirtypages.agent.events.DirtyRangeEvent;
import dev.dirtypages.agent.events.MemoryKindWritesEvent;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.pagemap.RegionVisitor;

/**
 * Turns the regions a scan finds into {@code dirtypages.DirtyRange} events: merges neighbours when the
 * {@code merge=} gap says so, stops emitting at the {@code maxranges=} bound and counts what it left out.
 * Counts the heap's pages per {@link MemoryKind}, measured and assumed apart, for
 * {@code dirtypages.MemoryKindWrites}. One instance is reused for every scan: it allocates nothing but the
 * events it emits.
 */
final class RangeEmitter implements RegionVisitor {
    /** {@code assumedReason} of adaptive arming's stripes. */
    static final String HOT = "hot";
    /** {@code assumedReason} of young memory collector-aware arming leaves unarmed. */
    static final String YOUNG = "young";
    private static final MemoryKind[] KINDS = MemoryKind.values();

    private final int maxRanges;
    private final long mergeGap;

    private boolean emitting;
    private long scanId;
    private String region;
    /** The heap's memory kind of the next visits; null off the heap. */
    private MemoryKind kind;
    /** Why the range being merged was assumed written; empty when measured. */
    private String reason = "";
    private MemoryKind pendingKind;
    /** Takes the ranges adaptive arming assumed written; they are never merged with measured ones. */
    private final RegionVisitor hotView = (start, end, categories) -> visit(start, end, HOT);
    /** Takes the young memory collector-aware arming assumed written. */
    private final RegionVisitor youngView = (start, end, categories) -> visit(start, end, YOUNG);
    private long pendingStart = -1;
    private long pendingEnd;

    private long pages;
    private long assumedPages;
    private long ranges;
    private long emitted;
    private long omitted;
    private final long[] measuredByKind = new long[KINDS.length];
    private final long[] assumedByKind = new long[KINDS.length];
    private final boolean[] kindSeen = new boolean[KINDS.length];

    RangeEmitter(int maxRanges, long mergeGap) {
        this.maxRanges = maxRanges;
        this.mergeGap = mergeGap;
    }

    /** Starts a scan; {@code emitting} is whether DirtyRange events are enabled in any recording. */
    void beginScan(long id, boolean emitting) {
        this.scanId = id;
        this.emitting = emitting;
        pages = 0;
        assumedPages = 0;
        ranges = 0;
        emitted = 0;
        omitted = 0;
        java.util.Arrays.fill(measuredByKind, 0);
        java.util.Arrays.fill(assumedByKind, 0);
        java.util.Arrays.fill(kindSeen, false);
    }

    /** The region the next visits belong to; off the heap until {@link #kind} says otherwise. */
    void beginRegion(String name) {
        flush();
        this.region = name;
        this.kind = null;
    }

    /** The heap's memory kind of the next visits. */
    void kind(MemoryKind next) {
        this.kind = next;
        kindSeen[next.ordinal()] = true;
    }

    @Override
    public void visit(long start, long end, long categories) {
        visit(start, end, "");
    }

    /** The visitor for ranges adaptive arming assumed written, not measured. */
    RegionVisitor assumed() {
        return hotView;
    }

    /** The visitor for young memory collector-aware arming assumed written, not measured. */
    RegionVisitor young() {
        return youngView;
    }

    /** A range measured written ({@code assumedReason} empty) or assumed written for {@code assumedReason}. */
    void visit(long start, long end, String assumedReason) {
        long n = Pages.count(start, end);
        pages += n;
        boolean assumedRange = !assumedReason.isEmpty();
        if (assumedRange) {
            assumedPages += n;
        }
        if (kind != null) {
            (assumedRange ? assumedByKind : measuredByKind)[kind.ordinal()] += n;
        }
        if (pendingStart >= 0 && assumedReason.equals(reason) && kind == pendingKind && start >= pendingStart
                && start - pendingEnd <= mergeGap) {
            pendingEnd = Math.max(pendingEnd, end);
            return;
        }
        flush();
        pendingStart = start;
        pendingEnd = end;
        reason = assumedReason;
        pendingKind = kind;
    }

    /** Emits the range being merged, if any; call at the end of each region. */
    void flush() {
        if (pendingStart < 0) {
            return;
        }
        ranges++;
        if (emitting) {
            if (emitted < maxRanges) {
                DirtyRangeEvent event = new DirtyRangeEvent();
                event.startAddress = pendingStart;
                event.endAddress = pendingEnd;
                event.size = pendingEnd - pendingStart;
                event.scanId = scanId;
                event.region = region;
                event.assumed = !reason.isEmpty();
                event.assumedReason = reason;
                event.memoryKind = pendingKind == null ? "" : pendingKind.eventName();
                event.commit();
                emitted++;
            } else {
                omitted++;
            }
        }
        pendingStart = -1;
    }

    /** One {@code dirtypages.MemoryKindWrites} per kind of heap memory the scan met; {@code emittingScan}: the scan emits. */
    void emitKinds(boolean emittingScan) {
        if (!emittingScan || !new MemoryKindWritesEvent().isEnabled()) {
            return;
        }
        for (MemoryKind k : KINDS) {
            if (!kindSeen[k.ordinal()]) {
                continue;
            }
            MemoryKindWritesEvent e = new MemoryKindWritesEvent();
            e.scanId = scanId;
            e.memoryKind = k.eventName();
            e.writtenPages = measuredByKind[k.ordinal()];
            e.writtenBytes = e.writtenPages * Pages.SIZE;
            e.assumedPages = assumedByKind[k.ordinal()];
            e.assumedBytes = e.assumedPages * Pages.SIZE;
            e.commit();
        }
    }

    long pages() {
        return pages;
    }

    long assumedPages() {
        return assumedPages;
    }

    long ranges() {
        return ranges;
    }

    long omitted() {
        return omitted;
    }
}
