package dev.dirtypages.agent.discover;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The collectors HotSpot can run with, and how to tell which one is running. */
enum Collector {
    G1("G1", "UseG1GC"),
    PARALLEL("Parallel", "UseParallelGC"),
    SERIAL("Serial", "UseSerialGC"),
    SHENANDOAH("Shenandoah", "UseShenandoahGC"),
    Z("ZGC", "UseZGC"),
    /** Experimental: its flag is hidden from the flag API unless experimental options are unlocked. */
    EPSILON("Epsilon", "UseEpsilonGC");

    /** The name reported in {@link HeapRange#collector()}. */
    final String displayName;
    /** The {@code -XX:+Use...} flag that selects it. */
    final String flag;

    Collector(String displayName, String flag) {
        this.displayName = displayName;
        this.flag = flag;
    }

    /**
     * The collector whose {@code Use*GC} flag is on. {@code flags} answers a boolean flag's value, or
     * empty when this VM has no such flag (a build without Shenandoah) or hides it (an experimental one).
     */
    static Optional<Collector> fromFlags(Function<String, Optional<Boolean>> flags) {
        for (Collector c : values()) {
            if (flags.apply(c.flag).orElse(false)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * The collector that registers these {@code GarbageCollectorMXBean}s (names as on JDK 17 and 25:
     * {@code G1 Young Generation}, {@code PS Scavenge}, {@code Copy}, {@code Shenandoah Pauses},
     * {@code ZGC Cycles} / {@code ZGC Minor Cycles}, {@code Epsilon Heap}).
     */
    static Optional<Collector> fromBeanNames(List<String> names) {
        for (String name : names) {
            if (name.startsWith("G1 ")) {
                return Optional.of(G1);
            } else if (name.startsWith("PS ")) {
                return Optional.of(PARALLEL);
            } else if (name.equals("Copy") || name.equals("MarkSweepCompact")) {
                return Optional.of(SERIAL);
            } else if (name.startsWith("Shenandoah")) {
                return Optional.of(SHENANDOAH);
            } else if (name.startsWith("ZGC")) {
                return Optional.of(Z);
            } else if (name.startsWith("Epsilon")) {
                return Optional.of(EPSILON);
            }
        }
        return Optional.empty();
    }
}
