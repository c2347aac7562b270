package dev.dirtypages.agent.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** GC.heap_info as JDK 17 and 25 print it, captured from real JVMs (test resources). */
class GcHeapInfoParserTest {
    /** Expected ranges read off the fixture text by hand. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // capture,                          collector,  start,            end
            "jdk17-g1,                           G1,         f0000000,         100000000",
            "jdk17-g1-noshare,                   G1,         f0000000,         100000000",
            "jdk17-g1-xms16m-xmx512m,            G1,         e0000000,         100000000",
            "jdk17-g1-nocoops,                   G1,         7f60dd400000,     7f60ed400000",
            "jdk25-g1,                           G1,         f0000000,         100000000",
            "jdk25-g1-xms16m-xmx512m,            G1,         e0000000,         100000000",
            "jdk25-g1-nocoops,                   G1,         7f18c8200000,     7f18d8200000",
            "jdk17-parallel,                     Parallel,   f0000000,         100000000",
            "jdk17-parallel-xms16m-xmx512m,      Parallel,   e0000000,         100000000",
            "jdk17-parallel-nocoops,             Parallel,   7f1f85400000,     7f1f95400000",
            "jdk17-parallel-xmx40g,              Parallel,   7fdba9400000,     7fe5a9400000",
            "jdk25-parallel,                     Parallel,   f0000000,         100000000",
            "jdk25-parallel-xms16m-xmx512m,      Parallel,   e0000000,         100000000",
            "jdk25-parallel-nocoops,             Parallel,   7ff878200000,     7ff888200000",
            "jdk25-parallel-xmx40g,              Parallel,   7fd4f8200000,     7fdef8200000",
            "jdk17-serial,                       Serial,     f0000000,         100000000",
            "jdk17-serial-xms16m-xmx512m,        Serial,     e0000000,         100000000",
            "jdk17-serial-nocoops,               Serial,     7f3cdd400000,     7f3ced400000",
            "jdk25-serial,                       Serial,     f0000000,         100000000",
            "jdk25-serial-xms16m-xmx512m,        Serial,     e0000000,         100000000",
            "jdk25-serial-nocoops,               Serial,     7f5074200000,     7f5084200000",
            "jdk17-shenandoah,                   Shenandoah, f0000000,         100000000",
            "jdk17-shenandoah-xms16m-xmx512m,    Shenandoah, e0000000,         100000000",
            "jdk17-shenandoah-nocoops,           Shenandoah, 7ff68c000000,     7ff69c000000",
            "jdk25-shenandoah,                   Shenandoah, f0000000,         100000000",
            "jdk25-shenandoah-generational,      Shenandoah, f0000000,         100000000",
            "jdk25-shenandoah-xms16m-xmx512m,    Shenandoah, e0000000,         100000000",
            "jdk25-shenandoah-nocoops,           Shenandoah, 7fdc4c200000,     7fdc5c200000",
    })
    void readsTheReservedRange(String capture, String collector, String start, String end) {
        HeapRange heap = GcHeapInfoParser.parse(collector(collector), Fixtures.gcHeapInfo(capture));
        assertEquals(new HeapRange(Long.parseUnsignedLong(start, 16), Long.parseUnsignedLong(end, 16), collector), heap);
    }

    /**
     * With compressed oops on, VM.info of the same JVM prints the reservation too ("Heap address"): the two
     * outputs agree, so the parsers read the reservation (not the committed part) for every collector.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk17-g1", "jdk17-g1-xms16m-xmx512m", "jdk25-g1", "jdk25-g1-xms16m-xmx512m",
            "jdk17-parallel", "jdk17-parallel-xms16m-xmx512m", "jdk25-parallel", "jdk25-parallel-xms16m-xmx512m",
            "jdk17-serial", "jdk17-serial-xms16m-xmx512m", "jdk25-serial", "jdk25-serial-xms16m-xmx512m",
            "jdk17-shenandoah", "jdk17-shenandoah-xms16m-xmx512m", "jdk25-shenandoah", "jdk25-shenandoah-xms16m-xmx512m",
            "jdk25-shenandoah-generational"})
    void agreesWithVmInfoOfTheSameJvm(String capture) {
        Collector collector = collector(capture.split("-")[1]);
        HeapRange fromHeapInfo = GcHeapInfoParser.parse(collector, Fixtures.gcHeapInfo(capture));
        Optional<HeapRange> fromVmInfo = VmInfoParser.reservedRange(Fixtures.vmInfo(capture), collector, Optional.empty());
        assertEquals(Optional.of(fromHeapInfo), fromVmInfo);
    }

    @Test
    void zgcAndEpsilonPrintNoReservation() {
        for (String capture : new String[] {"jdk17-zgc", "jdk25-zgc"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> GcHeapInfoParser.parse(Collector.Z, Fixtures.gcHeapInfo(capture)));
        }
        for (String capture : new String[] {"jdk17-epsilon", "jdk25-epsilon"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> GcHeapInfoParser.parse(Collector.EPSILON, Fixtures.gcHeapInfo(capture)));
        }
    }

    /** Another collector's output is not mistaken for this one's. */
    @Test
    void rejectsAnotherCollectorsOutput() {
        String g1 = Fixtures.gcHeapInfo("jdk25-g1");
        String parallel = Fixtures.gcHeapInfo("jdk25-parallel");
        String shenandoah = Fixtures.gcHeapInfo("jdk25-shenandoah");
        assertThrows(IllegalArgumentException.class, () -> GcHeapInfoParser.parse(Collector.G1, parallel));
        assertThrows(IllegalArgumentException.class, () -> GcHeapInfoParser.parse(Collector.PARALLEL, g1));
        assertThrows(IllegalArgumentException.class, () -> GcHeapInfoParser.parse(Collector.SERIAL, shenandoah));
        assertThrows(IllegalArgumentException.class, () -> GcHeapInfoParser.parse(Collector.SHENANDOAH, g1));
        assertThrows(IllegalArgumentException.class,
                () -> GcHeapInfoParser.parse(Collector.G1, Fixtures.gcHeapInfo("jdk17-zgc")));
    }

    @Test
    void rejectsDamagedText() {
        // Truncated bracket.
        assertThrows(IllegalArgumentException.class, () -> GcHeapInfoParser.parse(Collector.G1,
                "garbage-first heap   total 262144K, used 8925K [0x00000000f0000000, 0x00000"));
        // Not an address.
        assertThrows(IllegalArgumentException.class, () -> GcHeapInfoParser.parse(Collector.G1,
                "garbage-first heap   total 262144K, used 8925K [0x00000000f0000000, zzz)"));
        // A 'total reserved' that contradicts the range.
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class, () -> GcHeapInfoParser.parse(
                Collector.G1, "garbage-first heap   total reserved 131072K, committed 262144K, used 28752K "
                        + "[0x00000000f0000000, 0x0000000100000000)"));
        assertTrue(mismatch.getMessage().contains("total reserved"), mismatch.getMessage());
        // Only one generation.
        assertThrows(IllegalArgumentException.class, () -> GcHeapInfoParser.parse(Collector.PARALLEL,
                "PSYoungGen      total 76288K, used 27786K [0x00000000fab00000, 0x0000000100000000, 0x0000000100000000)"));
        // Generations that do not abut.
        IllegalArgumentException gap = assertThrows(IllegalArgumentException.class, () -> GcHeapInfoParser.parse(
                Collector.SERIAL, "DefNew     total 78656K, used 42041K [0x00000000f0000000, 0x00000000f5550000, 0x00000000f5550000)\n"
                        + "Tenured    total 174784K, used 1166K [0x00000000f6000000, 0x0000000100000000, 0x0000000100000000)\n"));
        assertTrue(gap.getMessage().contains("do not abut"), gap.getMessage());
        // [low, high, high_boundary) out of order.
        assertThrows(IllegalArgumentException.class, () -> GcHeapInfoParser.parse(Collector.PARALLEL,
                "PSYoungGen      total 76288K, used 0K [0x00000000fab00000, 0x0000000100000000, 0x00000000fb000000)\n"
                        + "ParOldGen       total 175104K, used 0K [0x00000000f0000000, 0x00000000fab00000, 0x00000000fab00000)\n"));
        // Shenandoah without the range after its header; unaligned range.
        assertThrows(IllegalArgumentException.class, () -> GcHeapInfoParser.parse(Collector.SHENANDOAH,
                "Shenandoah Heap\nReserved region:\n\n"));
        assertThrows(IllegalArgumentException.class, () -> GcHeapInfoParser.parse(Collector.SHENANDOAH,
                "Reserved region:\n - [0x00000000f0000010, 0x0000000100000000)\n"));
        assertThrows(IllegalArgumentException.class, () -> GcHeapInfoParser.parse(Collector.G1, ""));
    }

    /** Windows line ends and extra blanks (a JDK built elsewhere, a log that passed through a terminal). */
    @Test
    void toleratesLineEndsAndBlanks() {
        String crlf = Fixtures.gcHeapInfo("jdk17-serial").replace("\n", "\r\n");
        assertEquals(new HeapRange(0xf0000000L, 0x100000000L, "Serial"), GcHeapInfoParser.parse(Collector.SERIAL, crlf));
        assertEquals(new HeapRange(0xf0000000L, 0x100000000L, "Shenandoah"), GcHeapInfoParser.parse(Collector.SHENANDOAH,
                "Reserved region:\r\n   -   [ 0x00000000F0000000 ,0x0000000100000000 )  \r\n"));
    }

    static Collector collector(String name) {
        for (Collector c : Collector.values()) {
            if (c.displayName.equalsIgnoreCase(name) || c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException(name);
    }
}
