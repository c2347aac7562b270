package dev.dirtypages.agent.options;

import java.util.Locale;
import java.util.Optional;

/** The kinds of memory the agent can track, as named in the {@code regions=} option and in events. */
public enum RegionKind {
    /** The Java heap's reserved range. */
    HEAP("heap", "java-heap"),
    /** Direct byte buffers ({@code ByteBuffer.allocateDirect}, and the JDK's temporary direct buffers). */
    DIRECT("direct", "direct-buffer"),
    /** Native memory from {@code Unsafe.allocateMemory} that no direct buffer or arena asked for. */
    UNSAFE("unsafe", "unsafe-memory"),
    /** Memory segments allocated by FFM arenas (JDK 22+). */
    ARENA("arena", "ffm-arena");

    /** The name in {@code regions=} that stands for every kind. */
    public static final String ALL = "all";

    private final String optionName;
    private final String eventName;

    RegionKind(String optionName, String eventName) {
        this.optionName = optionName;
        this.eventName = eventName;
    }

    /** The name in {@code regions=}. */
    public String optionName() {
        return optionName;
    }

    /** The name in events' {@code region} and {@code kind} fields. */
    public String eventName() {
        return eventName;
    }

    /** Whether the memory is allocated block by block off the Java heap (tracked as it is allocated). */
    public boolean offHeap() {
        return this != HEAP;
    }

    public static Optional<RegionKind> fromOptionName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (RegionKind kind : values()) {
            if (kind.optionName.equals(lower)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
