package dev.dirtypages.agent.options;

import java.util.Locale;
import java.util.Optional;

/** The kinds of memory the agent can track, as named in the {@code regions=} option and in events. */
public enum RegionKind {
    /** The Java heap's reserved range. */
    HEAP("heap", "java-heap");

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
