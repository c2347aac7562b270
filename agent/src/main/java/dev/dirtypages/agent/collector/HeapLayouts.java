package dev.dirtypages.agent.collector;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.dirtypages.agent.log.AgentLog;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/** Chooses the {@link HeapLayout} of the running collector, where it gives the knowledge collector-aware arming needs. */
public final class HeapLayouts {
    private HeapLayouts() {
    }

    /**
     * The layout of the heap {@code [start, end)} managed by {@code collector} (as {@code HeapRange.collector()}
     * names it), or empty where the collector gives no such knowledge (Shenandoah, Epsilon) or it cannot be read:
     * the caller then measures the whole heap, and {@code log} says why.
     */
    public static Optional<HeapLayout> of(String collector, long start, long end, AgentLog log) {
        try {
            switch (collector) {
                case "G1":
                    return Optional.of(G1RegionTypes.follow(start, end, vmOption("G1HeapRegionSize"), log));
                case "Parallel":
                    return Optional.of(GenerationalLayout.parallel(start, end, vmOption("MaxNewSize")));
                case "Serial":
                    return Optional.of(GenerationalLayout.serial(start, end, vmOption("MaxNewSize")));
                default:
                    log.info("arming=collector: the " + collector + " collector says nowhere which memory it allocates "
                            + "into; the whole heap is measured (as with arming=plain)");
                    return Optional.empty();
            }
        } catch (RuntimeException | LinkageError e) {
            log.warn("arming=collector: cannot follow the " + collector + " heap's layout (" + e
                    + "); the whole heap is measured (as with arming=plain)");
            return Optional.empty();
        }
    }

    private static long vmOption(String name) {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        return Long.parseLong(hotspot.getVMOption(name).getValue());
    }
}
