package dev.dirtypages.agent.sample;

import dev.dirtypages.agent.options.RegionKind;
import java.util.Set;

/**
 * Memory the sampler scans besides the fixed regions: blocks the application allocates and frees as it
 * runs (the off-heap kinds). Scanned after the regions by the same scan, under the same scan lock, so
 * that each written page is reported by exactly one scan.
 */
public interface BlockSource {
    /**
     * The {@code assumedReason} of pages of a block written between its allocation and its first arming,
     * reported by the scan that arms it: measured as far as the page tables tell (pages holding data), not
     * write by write.
     */
    String BEFORE_ARMING = "before-arming";

    /** Receives the written pieces of one scan, in address order. */
    @FunctionalInterface
    interface PieceVisitor {
        /**
         * Pages {@code [start, end)} were written; {@code kinds} are the kinds of the tracked blocks over them
         * and {@code region} the name events carry (the kinds' names joined with '+'); {@code assumedReason} is
         * empty for pages measured written since the previous scan, else why they are reported without that
         * ({@link #BEFORE_ARMING}).
         */
        void visit(long start, long end, Set<RegionKind> kinds, String region, String assumedReason);
    }

    /**
     * Reports what was written to the tracked blocks since the previous scan (re-arming it) and arms the
     * blocks allocated since; each page once, in address order.
     *
     * @param emitEvents whether this scan emits its per-block JFR events (not once the recordings have ended)
     * @return stretches whose lost registration was repaired (their pages count as written)
     */
    long scan(long scanId, boolean emitEvents, PieceVisitor visitor);

    /** Bytes of the blocks armed now. */
    long trackedBytes();
}
