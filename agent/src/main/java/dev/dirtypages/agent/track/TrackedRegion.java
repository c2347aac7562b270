package dev.dirtypages.agent.track;

import dev.dirtypages.agent.options.RegionKind;

/**
 * A region of the JVM's memory the agent tracks: page-aligned {@code [start, end)}.
 *
 * @param kind   what it is
 * @param start  first byte
 * @param end    first byte past it
 */
public record TrackedRegion(RegionKind kind, long start, long end) {
    public long size() {
        return end - start;
    }

    /** The name events carry, e.g. {@code java-heap}. */
    public String name() {
        return kind.eventName();
    }

    @Override
    public String toString() {
        return String.format("%s [0x%x, 0x%x) %d MiB", name(), start, end, size() >> 20);
    }
}
