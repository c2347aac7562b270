package dev.dirtypages.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForeignRegistrationsTest {
    private static final long M = 1 << 20;

    @Test
    void nothingForeignLeavesTheWholeRange() {
        List<long[]> parts = ForeignRegistrations.around(0, 8 * M, List.of());
        assertEquals(1, parts.size());
        assertArrayEquals(new long[] {0, 8 * M}, parts.get(0));
    }

    @Test
    void tracksAroundForeignPartsInsideAndAtTheEdges() {
        List<long[]> parts = ForeignRegistrations.around(0, 16 * M,
                List.of(new long[] {0, M}, new long[] {4 * M, 6 * M}, new long[] {15 * M, 20 * M}));
        assertEquals(2, parts.size());
        assertArrayEquals(new long[] {M, 4 * M}, parts.get(0));
        assertArrayEquals(new long[] {6 * M, 15 * M}, parts.get(1));
    }

    @Test
    void aRangeWhollyForeignLeavesNothing() {
        assertEquals(0, ForeignRegistrations.around(2 * M, 4 * M, List.of(new long[] {M, 5 * M})).size());
    }

    @Test
    void describesSizeAndPlace() {
        assertEquals("3 MiB at [0x100000, 0x200000), [0x400000, 0x600000)",
                ForeignRegistrations.describe(List.of(new long[] {M, 2 * M}, new long[] {4 * M, 6 * M})));
        assertEquals("8 KiB at [0x1000, 0x3000)", ForeignRegistrations.describe(List.of(new long[] {0x1000, 0x3000})));
    }
}
