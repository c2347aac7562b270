package dev.dirtypages.agent.consumer;

/**
 * One consumer's epoch: the ranges written since its previous checkpoint, bounded by its {@link RangeSet}.
 * Filled on the scanning thread (under the sampler's scan lock), emptied by the consumer's checkpoint.
 */
final class Consumer {
    private final String name;
    private final RangeSet pending;
    private long lastCheckpointNanos = System.nanoTime();
    private long checkpoints;

    Consumer(String name, int maxRanges) {
        this.name = name;
        this.pending = new RangeSet(maxRanges);
    }

    String name() {
        return name;
    }

    synchronized void written(long start, long end) {
        pending.add(start, end);
    }

    /** A scan is complete: back within the bound. */
    synchronized void scanCompleted() {
        pending.compact();
    }

    /** Hands back and forgets the pending ranges. */
    synchronized Checkpoint take(long scanId, boolean deferred) {
        pending.compact();
        Checkpoint c = new Checkpoint(name, scanId, pending.toArray(), pending.bytes(), pending.coarsenedBytes(),
                deferred);
        pending.clear();
        checkpoints++;
        lastCheckpointNanos = System.nanoTime();
        return c;
    }

    /** One line for listings: {@code name ranges=N bytes=B coarsened=C limit=L checkpoints=K idle-ms=I}. */
    synchronized String describe() {
        return String.format("%s ranges=%d bytes=%d coarsened=%d limit=%d checkpoints=%d idle-ms=%d", name,
                pending.size(), pending.bytes(), pending.coarsenedBytes(), pending.limit(), checkpoints,
                (System.nanoTime() - lastCheckpointNanos) / 1_000_000);
    }

    synchronized int pendingRanges() {
        return pending.size();
    }

    synchronized long pendingCoarsenedBytes() {
        return pending.coarsenedBytes();
    }
}
