package dev.dirtypages.agent.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.dirtypages.kernel.proc.ProcMaps;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link HeapLocator#locate()} on the JVM running the tests (its default collector and heap). */
class HeapLocatorInProcessTest {
    @Test
    void findsThisJvmsHeapAndAnObjectLiesInIt() throws Exception {
        byte[] marker = HeapProbeMain.newMarker();
        long t0 = System.nanoTime();
        HeapDiscovery found = HeapLocator.locate();
        long t1 = System.nanoTime();
        HeapDiscovery again = HeapLocator.locate();
        long t2 = System.nanoTime();
        System.out.printf("in-process locate(): %s; first call %.1f ms, second %.1f ms%n",
                found.describe(), (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        assertEquals(found, again);

        List<String> beans = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.toList());
        Collector collector = Collector.fromBeanNames(beans).orElseThrow();
        if (collector == Collector.Z) {
            assertEquals(Optional.empty(), found.heap());
            assertTrue(found.problem().contains("ZGC") && found.problem().contains("not supported"), found.problem());
            return;
        }
        assertTrue(found.heap().isPresent(), found.problem());
        HeapRange heap = found.heap().get();
        assertEquals(collector.displayName, heap.collector());

        long maxHeapSize = Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("MaxHeapSize").getValue());
        assertTrue(heap.length() >= maxHeapSize, heap + " is smaller than MaxHeapSize " + maxHeapSize);
        assertEquals(Optional.empty(), HeapMapsCheck.uncovered(ProcMaps.self(), heap.start(), heap.end()));

        OptionalLong address = HeapProbeMain.addressByHeapDump(marker);
        assertTrue(address.isPresent(), "the marker is in the heap dump");
        System.out.printf("in-process marker byte[] at 0x%x%n", address.getAsLong());
        assertTrue(heap.contains(address.getAsLong()),
                String.format("the marker at 0x%x lies in %s", address.getAsLong(), heap));
        assertFalse(heap.contains(heap.end()));
        Reference.reachabilityFence(marker);
    }
}
