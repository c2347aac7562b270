package dev.dirtypages.agent.discover;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** VM.info's "Heap address" line, from excerpts captured from real JVMs. */
class VmInfoParserTest {
    @Test
    void readsTheHeapAddressLine() {
        assertArrayEquals(new long[] {0xf0000000L, 256L << 20}, VmInfoParser.heapAddress(Fixtures.vmInfo("jdk17-g1")).get());
        assertArrayEquals(new long[] {0xe0000000L, 512L << 20},
                VmInfoParser.heapAddress(Fixtures.vmInfo("jdk25-serial-xms16m-xmx512m")).get());
        assertEquals(Optional.of(new HeapRange(0xf0000000L, 0x100000000L, "Epsilon")),
                VmInfoParser.reservedRange(Fixtures.vmInfo("jdk25-epsilon"), Collector.EPSILON, Optional.empty()));
    }

    /** HotSpot prints the line only while compressed oops are on; ZGC never has them on 17 or 25. */
    @ParameterizedTest
    @ValueSource(strings = {"jdk17-g1-nocoops", "jdk25-g1-nocoops", "jdk17-parallel-xmx40g", "jdk25-parallel-xmx40g",
            "jdk17-shenandoah-nocoops", "jdk25-serial-nocoops", "jdk17-epsilon-nocoops", "jdk17-zgc", "jdk25-zgc"})
    void isAbsentWithoutCompressedOops(String capture) {
        assertTrue(VmInfoParser.heapAddress(Fixtures.vmInfo(capture)).isEmpty());
    }

    @Test
    void readsOtherUnitsAndTheLineAnywhere() {
        String text = "# header\n\nHeap address: 0x0000000700000000, size: 4096 MB, Compressed Oops mode: Zero based, "
                + "Oop shift amount: 3\n";
        assertArrayEquals(new long[] {0x700000000L, 4L << 30}, VmInfoParser.heapAddress(text).get());
        assertArrayEquals(new long[] {0x800000000L, 1L << 30},
                VmInfoParser.heapAddress("Heap address: 0x0000000800000000, size: 1G, Compressed Oops mode: x").get());
        assertArrayEquals(new long[] {0x800000000L, 10240L << 10},
                VmInfoParser.heapAddress("  Heap address: 0x0000000800000000, size: 10240K").get());
        assertTrue(VmInfoParser.heapAddress("Heap address: 0x0000000800000000").isEmpty());
        assertTrue(VmInfoParser.heapAddress("").isEmpty());
    }

    /** The size is printed in whole MB; MaxHeapSize within that MB gives the exact end. */
    @Test
    void refinesATruncatedSizeWithMaxHeapSize() {
        String text = "Heap address: 0x00000000c0000000, size: 1000 MB, Compressed Oops mode: 32-bit\n";
        long exact = (1000L << 20) + (512L << 10);
        assertEquals(Optional.of(new HeapRange(0xc0000000L, 0xc0000000L + exact, "Epsilon")),
                VmInfoParser.reservedRange(text, Collector.EPSILON, Optional.of(exact)));
        assertEquals(Optional.of(new HeapRange(0xc0000000L, 0xc0000000L + (1000L << 20), "Epsilon")),
                VmInfoParser.reservedRange(text, Collector.EPSILON, Optional.of(999L << 20)), "MaxHeapSize in another MB");
        assertEquals(Optional.of(new HeapRange(0xc0000000L, 0xc0000000L + (1000L << 20), "Epsilon")),
                VmInfoParser.reservedRange(text, Collector.EPSILON, Optional.empty()));
    }
}
