package dev.dirtypages.agent.sample;

import dev.dirtypages.kernel.gcpause.PauseScan;

/** What made a scan, as {@code dirtypages.Scan} names it in {@code trigger}. */
public enum ScanTrigger {
    /** The interval elapsed. */
    TIMER("timer", false),
    /** A JFR chunk ends: the chunk holds every write up to its end. */
    CHUNK_END("chunk end", true),
    /** The JVM exits: the last interval is flushed. */
    SHUTDOWN("shutdown", true),
    /** A snapshot tool's checkpoint, through the channel. */
    CONSUMER("consumer", true),
    /** Inside a GC pause, before the collection's work (gcepochs=true). */
    GC_START("gc-start", false),
    /** Inside a GC pause, after the collection's work (gcepochs=true). */
    GC_END("gc-end", false);

    private final String eventName;
    private final boolean complete;

    ScanTrigger(String eventName, boolean complete) {
        this.eventName = eventName;
        this.complete = complete;
    }

    /** The name in the event's {@code trigger} field. */
    public String eventName() {
        return eventName;
    }

    /**
     * Whether the scan must report every write made so far, even in memory whose kind the agent has not caught up
     * with (see {@link dev.dirtypages.agent.collector.HeapLayout#forEachSpan}): all but the periodic ones.
     */
    public boolean mustBeComplete() {
        return complete;
    }

    /** The trigger of a scan a GC pause made. */
    public static ScanTrigger of(PauseScan.Kind kind) {
        return kind == PauseScan.Kind.START ? GC_START : GC_END;
    }

    @Override
    public String toString() {
        return eventName;
    }
}
