package dev.dirtypages.agent.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeapRangeTest {
    @Test
    void isAPageAlignedNonEmptyRange() {
        HeapRange heap = new HeapRange(0xe0000000L, 0x100000000L, "G1");
        assertEquals(512L << 20, heap.length());
        assertTrue(heap.contains(0xe0000000L));
        assertTrue(heap.contains(0xffffffffL));
        assertFalse(heap.contains(0x100000000L));
        assertFalse(heap.contains(0xdfffffffL));
        assertEquals("G1 heap [0xe0000000, 0x100000000) 512 MiB reserved", heap.toString());

        assertThrows(IllegalArgumentException.class, () -> new HeapRange(0xe0000010L, 0x100000000L, "G1"));
        assertThrows(IllegalArgumentException.class, () -> new HeapRange(0xe0000000L, 0x100000800L, "G1"));
        assertThrows(IllegalArgumentException.class, () -> new HeapRange(0xe0000000L, 0xe0000000L, "G1"));
        assertThrows(IllegalArgumentException.class, () -> new HeapRange(0x100000000L, 0xe0000000L, "G1"));
        assertThrows(IllegalArgumentException.class, () -> new HeapRange(0xe0000000L, 0x100000000L, " "));
    }

    @Test
    void aDiscoveryIsARangeOrAOneLineProblem() {
        HeapRange heap = new HeapRange(0xf0000000L, 0x100000000L, "Serial");
        assertEquals(new HeapDiscovery(Optional.of(heap), ""), HeapDiscovery.found(heap));
        assertEquals("Serial heap [0xf0000000, 0x100000000) 256 MiB reserved", HeapDiscovery.found(heap).describe());

        HeapDiscovery problem = HeapDiscovery.notFound("first line\n  second\r\nthird ");
        assertEquals(Optional.empty(), problem.heap());
        assertEquals("first line second third", problem.problem());
        assertEquals(problem.problem(), problem.describe());

        assertEquals("", new HeapDiscovery(Optional.of(heap), null).problem());
        assertThrows(IllegalArgumentException.class, () -> HeapDiscovery.notFound(" "));
        assertThrows(NullPointerException.class, () -> new HeapDiscovery(null, "x"));
    }
}
