package dev.dirtypages.agent.consumer;

import javax.management.ConstructorParameters;

/**
 * What one consumer's checkpoint hands back: every range of tracked memory written since its previous
 * checkpoint (or since it registered), in address order. A JavaBean so that the platform MBean can hand it
 * to applications as {@code CompositeData} (see {@link ConsumersMXBean}).
 *
 * <p>The ranges never miss a written page. They can include pages that were not written: when the
 * consumer's bound on ranges was reached, neighbouring ranges were joined with the gap between them, and
 * {@link #getCoarsenedBytes()} says how many bytes such gaps added at most (a gap can lie between two tracked
 * regions: cut the ranges to the regions where that matters).
 */
public final class Checkpoint {
    private final String consumer;
    private final long scanId;
    private final long[] ranges;
    private final long bytes;
    private final long coarsenedBytes;
    private final boolean deferred;

    /**
     * @param consumer       who asked
     * @param scanId         the scan made for this checkpoint; 0 when scanning was held by a freeze (see
     *                       {@link #isDeferred()})
     * @param ranges         {@code start0, end0, start1, end1, ...}: page-aligned, end exclusive, ascending
     * @param bytes          bytes the ranges cover
     * @param coarsenedBytes bytes of gaps joined to keep the consumer's bound (0: the ranges are exact)
     * @param deferred       a freeze held scanning: writes since it began come with a later checkpoint
     */
    @ConstructorParameters({"consumer", "scanId", "ranges", "bytes", "coarsenedBytes", "deferred"})
    public Checkpoint(String consumer, long scanId, long[] ranges, long bytes, long coarsenedBytes, boolean deferred) {
        this.consumer = consumer;
        this.scanId = scanId;
        this.ranges = ranges.clone();
        this.bytes = bytes;
        this.coarsenedBytes = coarsenedBytes;
        this.deferred = deferred;
    }

    public String getConsumer() {
        return consumer;
    }

    public long getScanId() {
        return scanId;
    }

    /** {@code start0, end0, start1, end1, ...}. */
    public long[] getRanges() {
        return ranges.clone();
    }

    /** How many ranges. */
    public int getCount() {
        return ranges.length / 2;
    }

    public long getBytes() {
        return bytes;
    }

    public long getCoarsenedBytes() {
        return coarsenedBytes;
    }

    public boolean isCoarsened() {
        return coarsenedBytes > 0;
    }

    public boolean isDeferred() {
        return deferred;
    }

    /** Start of range {@code i}. */
    public long start(int i) {
        return ranges[2 * i];
    }

    /** End (exclusive) of range {@code i}. */
    public long end(int i) {
        return ranges[2 * i + 1];
    }

    @Override
    public String toString() {
        return String.format("Checkpoint[%s, scan %d, %d ranges, %d bytes, coarsened %d%s]", consumer, scanId,
                getCount(), bytes, coarsenedBytes, deferred ? ", deferred" : "");
    }
}
