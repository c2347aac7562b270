package dev.dirtypages.agent.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CollectorTest {
    /** The GarbageCollectorMXBean names each collector registers, as seen on JDK 17 and 25. */
    @Test
    void knowsTheBeanNamesOfJdk17And25() {
        assertEquals(Optional.of(Collector.G1), Collector.fromBeanNames(List.of("G1 Young Generation", "G1 Old Generation")));
        assertEquals(Optional.of(Collector.G1),
                Collector.fromBeanNames(List.of("G1 Young Generation", "G1 Concurrent GC", "G1 Old Generation")));
        assertEquals(Optional.of(Collector.PARALLEL), Collector.fromBeanNames(List.of("PS MarkSweep", "PS Scavenge")));
        assertEquals(Optional.of(Collector.SERIAL), Collector.fromBeanNames(List.of("Copy", "MarkSweepCompact")));
        assertEquals(Optional.of(Collector.SHENANDOAH),
                Collector.fromBeanNames(List.of("Shenandoah Pauses", "Shenandoah Cycles")));
        assertEquals(Optional.of(Collector.Z), Collector.fromBeanNames(List.of("ZGC Cycles", "ZGC Pauses")));
        assertEquals(Optional.of(Collector.Z), Collector.fromBeanNames(
                List.of("ZGC Minor Cycles", "ZGC Minor Pauses", "ZGC Major Cycles", "ZGC Major Pauses")));
        assertEquals(Optional.of(Collector.EPSILON), Collector.fromBeanNames(List.of("Epsilon Heap")));
        assertEquals(Optional.empty(), Collector.fromBeanNames(List.of("ParNew", "ConcurrentMarkSweep")));
        assertEquals(Optional.empty(), Collector.fromBeanNames(List.of()));
    }

    @Test
    void takesTheFlagThatIsOn() {
        Map<String, Boolean> flags = Map.of("UseG1GC", false, "UseParallelGC", false, "UseSerialGC", false,
                "UseZGC", false, "UseShenandoahGC", true);
        assertEquals(Optional.of(Collector.SHENANDOAH), Collector.fromFlags(n -> Optional.ofNullable(flags.get(n))));
        // A build without Shenandoah has no such flag; Epsilon's is hidden unless experimental options are unlocked.
        Map<String, Boolean> serial = Map.of("UseG1GC", false, "UseParallelGC", false, "UseSerialGC", true, "UseZGC", false);
        assertEquals(Optional.of(Collector.SERIAL), Collector.fromFlags(n -> Optional.ofNullable(serial.get(n))));
        assertEquals(Optional.empty(), Collector.fromFlags(n -> Optional.empty()));
    }
}
