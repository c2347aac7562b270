package dev.dirtypages.agent.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.proc.Mapping;
import dev.dirtypages.kernel.proc.MapsParser;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The maps check on /proc/self/maps excerpts captured with each heap. */
class HeapMapsCheckTest {
    /** Every captured heap is covered by the mappings captured with it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk17-g1", "jdk17-g1-noshare", "jdk17-g1-xms16m-xmx512m", "jdk17-g1-nocoops", "jdk25-g1",
            "jdk25-g1-xms16m-xmx512m", "jdk25-g1-nocoops", "jdk17-parallel", "jdk17-parallel-xms16m-xmx512m",
            "jdk17-parallel-nocoops", "jdk17-parallel-xmx40g", "jdk25-parallel", "jdk25-parallel-xms16m-xmx512m",
            "jdk25-parallel-nocoops", "jdk25-parallel-xmx40g", "jdk17-serial", "jdk17-serial-xms16m-xmx512m",
            "jdk17-serial-nocoops", "jdk25-serial", "jdk25-serial-xms16m-xmx512m", "jdk25-serial-nocoops",
            "jdk17-shenandoah", "jdk17-shenandoah-xms16m-xmx512m", "jdk17-shenandoah-nocoops", "jdk25-shenandoah",
            "jdk25-shenandoah-generational", "jdk25-shenandoah-xms16m-xmx512m", "jdk25-shenandoah-nocoops"})
    void coversEveryCapturedHeap(String capture) {
        Collector collector = GcHeapInfoParserTest.collector(capture.split("-")[1]);
        HeapRange heap = GcHeapInfoParser.parse(collector, Fixtures.gcHeapInfo(capture));
        assertEquals(Optional.empty(), HeapMapsCheck.uncovered(Fixtures.maps(capture), heap.start(), heap.end()));
    }

    /**
     * Why the heap is never found by its mappings: in these captures no mapping has the heap's bounds.
     * JDK 17 G1 maps CDS archived heap regions (classes.jsa, file-backed) into its top; without CDS its
     * committed end merges with the class space after it; a 40 GB Parallel heap's start merges with the
     * memory before it.
     */
    @Test
    void heapMappingsNeedNotHaveTheHeapsBounds() {
        List<Mapping> cds = Fixtures.maps("jdk17-g1");
        assertTrue(cds.stream().anyMatch(m -> m.path().endsWith("classes.jsa") && m.start() >= 0xf0000000L
                && m.end() <= 0x100000000L), "classes.jsa inside the heap");

        List<Mapping> noShare = Fixtures.maps("jdk17-g1-noshare");
        assertTrue(noShare.stream().anyMatch(m -> m.start() == 0xf0000000L && m.end() > 0x100000000L),
                "one mapping spans the heap's end into the class space");

        List<Mapping> big = Fixtures.maps("jdk17-parallel-xmx40g");
        assertTrue(big.stream().anyMatch(m -> m.start() < 0x7fdba9400000L && m.end() > 0x7fdba9400000L),
                "one mapping spans the heap's start");
    }

    @Test
    void namesTheFirstGap() {
        List<Mapping> maps = MapsParser.parse(String.join("\n",
                "e0000000-e0b00000 rw-p 00000000 00:00 0",
                "e0b00000-f0000000 ---p 00000000 00:00 0",
                "f1000000-100000000 ---p 00000000 00:00 0",
                "7f0000000000-7f0000001000 r--p 00000000 fe:00 1 /lib/x.so"));
        assertEquals(Optional.empty(), HeapMapsCheck.uncovered(maps, 0xe0000000L, 0xf0000000L));
        assertEquals(Optional.of("[0xf0000000, 0xf1000000) is not mapped"),
                HeapMapsCheck.uncovered(maps, 0xe0000000L, 0x100000000L));
        assertEquals(Optional.of("[0x100000000, 0x110000000) is not mapped"),
                HeapMapsCheck.uncovered(maps, 0xf1000000L, 0x110000000L));
        assertEquals(Optional.of("[0xd0000000, 0xe0000000) is not mapped"),
                HeapMapsCheck.uncovered(maps, 0xd0000000L, 0xe1000000L));
        assertEquals(Optional.of("[0x200000000, 0x300000000) is not mapped"),
                HeapMapsCheck.uncovered(maps, 0x200000000L, 0x300000000L));
        assertEquals(Optional.of("[0x200000000, 0x300000000) is not mapped"),
                HeapMapsCheck.uncovered(List.of(), 0x200000000L, 0x300000000L));
    }
}
