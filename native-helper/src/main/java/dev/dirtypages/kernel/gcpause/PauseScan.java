package dev.dirtypages.kernel.gcpause;

import dev.dirtypages.kernel.pagemap.RegionVisitor;

/**
 * One scan the GC-pause library made inside a pause: at its start ({@link Kind#START}: what the mutator wrote
 * since the previous scan) or at its end ({@link Kind#END}: what the pause wrote).
 *
 * @param kind        at the start or at the end of the pause
 * @param pause       the pause's number, from 1, counted since the scans started
 * @param beginNanos  {@code CLOCK_MONOTONIC} (the clock of {@link System#nanoTime()}) when the handler began
 * @param endNanos    when its scan ended
 * @param ranges      the written ranges, as pairs start, end (exclusive), in address order per armed range
 * @param pages       written pages in them
 * @param truncated   the region buffer filled: the pages past where the scan stopped were not re-armed, stay
 *                    written, and the next scan reports them
 * @param held        not scanned: scans were held (a consumer wanted the pages left written)
 * @param overlapped  a scan from Java was under way during the pause: it may have reported some of this scan's
 *                    pages (each page is reported once, by whichever scan reached it first)
 * @param errno       the errno of a failed {@code PAGEMAP_SCAN} (the scan stopped there), else 0
 * @param ioctls      {@code PAGEMAP_SCAN} calls issued
 * @param rangesVersion which ranges it scanned: {@link GcPauseScans#ranges} says which version it set
 */
public record PauseScan(Kind kind, long pause, long beginNanos, long endNanos, long[] ranges, long pages,
                        boolean truncated, boolean held, boolean overlapped, int errno, long ioctls,
                        long rangesVersion) {
    /** Where in the pause the scan ran. */
    public enum Kind {
        /** In the GarbageCollectionStart hook, before the collection's work. */
        START,
        /** In the GarbageCollectionFinish hook, after it. */
        END
    }

    /** Passes each written range to {@code visitor}. */
    public void visit(RegionVisitor visitor) {
        for (int i = 0; i < ranges.length; i += 2) {
            visitor.visit(ranges[i], ranges[i + 1], 0);
        }
    }

    /** The scan's own duration, inside the pause. */
    public long durationNanos() {
        return endNanos - beginNanos;
    }
}
