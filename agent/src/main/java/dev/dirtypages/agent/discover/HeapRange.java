package dev.dirtypages.agent.discover;

/**
 * The reserved range {@code [start, end)} of the Java heap: every address the collector may ever place
 * an object at, committed or not. It does not move for the life of the JVM.
 *
 * @param start     first address, aligned to 4 KiB (every Linux page size is a multiple of it)
 * @param end       first address past the heap, aligned likewise
 * @param collector the collector managing it: {@code G1}, {@code Parallel}, {@code Serial},
 *                  {@code Shenandoah} or {@code Epsilon}
 */
public record HeapRange(long start, long end, String collector) {
    /** The smallest page size there is; HotSpot aligns its heap to the real page size, a multiple of this. */
    static final long MIN_PAGE = 4096;

    public HeapRange {
        if ((start & (MIN_PAGE - 1)) != 0 || (end & (MIN_PAGE - 1)) != 0) {
            throw new IllegalArgumentException(String.format(
                    "heap range [0x%x, 0x%x) is not aligned to %d bytes", start, end, MIN_PAGE));
        }
        if (Long.compareUnsigned(start, end) >= 0) {
            throw new IllegalArgumentException(String.format("heap range [0x%x, 0x%x) is empty or inverted", start, end));
        }
        if (collector == null || collector.isBlank()) {
            throw new IllegalArgumentException("collector must be named");
        }
    }

    /** Bytes reserved. */
    public long length() {
        return end - start;
    }

    public boolean contains(long address) {
        return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
    }

    @Override
    public String toString() {
        return String.format("%s heap [0x%x, 0x%x) %s reserved", collector, start, end, ByteSizes.format(length()));
    }
}
