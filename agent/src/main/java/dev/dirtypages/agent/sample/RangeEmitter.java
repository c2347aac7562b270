package dev.dirtypages.agent.sample;

import dev.dirtypages.agent.events.DirtyRangeEvent;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.pagemap.RegionVisitor;

/**
 * Turns the regions a scan finds into {@code dirtypages.DirtyRange} events: merges neighbours when the
 * {@code merge=} gap says so, stops emitting at the {@code maxranges=} bound and counts what it left out.
 * One instance is reused for every scan: it allocates nothing but the events it emits.
 */
final class RangeEmitter implements RegionVisitor {
    private final int maxRanges;
    private final long mergeGap;

    private boolean emitting;
    private long scanId;
    private String region;
    /** Adaptive arming's reason for the ranges it assumes written (its hot stripes). */
    static final String HOT = "hot";
    /** Why the range being merged was assumed written rather than measured; empty when measured. */
    private String assumedReason = "";
    /** Takes the ranges adaptive arming assumed written; they are never merged with measured ones. */
    private final RegionVisitor assumedView = (start, end, categories) -> visit(start, end, HOT);
    private long pendingStart = -1;
    private long pendingEnd;

    private long pages;
    private long assumedPages;
    private long ranges;
    private long emitted;
    private long omitted;

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
    }

    /** The region the next visits belong to. */
    void beginRegion(String name) {
        this.region = name;
        pendingStart = -1;
    }

    @Override
    public void visit(long start, long end, long categories) {
        visit(start, end, "");
    }

    /** The visitor for ranges assumed written, not measured. */
    RegionVisitor assumed() {
        return assumedView;
    }

    /** A range measured written ({@code reason} empty) or assumed written for {@code reason}. */
    void visit(long start, long end, String reason) {
        long count = Pages.count(start, end);
        pages += count;
        if (!reason.isEmpty()) {
            assumedPages += count;
        }
        if (pendingStart >= 0 && reason.equals(assumedReason) && start - pendingEnd <= mergeGap) {
            pendingEnd = end;
            return;
        }
        flush();
        pendingStart = start;
        pendingEnd = end;
        assumedReason = reason;
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
                event.assumed = !assumedReason.isEmpty();
                event.assumedReason = assumedReason;
                event.commit();
                emitted++;
            } else {
                omitted++;
            }
        }
        pendingStart = -1;
    }

    long pages() {
        return pages;
    }

    /** Of {@link #pages()}, those assumed written rather than measured. */
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
