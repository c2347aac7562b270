package dev.dirtypages.agent.collector;

/**
 * What a stretch of the heap is at the time of a scan, and how collector-aware arming treats it: memory the
 * mutator rewrites in place is measured, memory being allocated into is assumed written, free memory is left
 * alone.
 */
public enum MemoryKind {
    /** G1 eden regions. */
    EDEN("eden", Treatment.ASSUME),
    /** G1 survivor regions. */
    SURVIVOR("survivor", Treatment.ASSUME),
    /** G1 old regions (archive regions too); the old generation of Parallel and Serial. */
    OLD("old", Treatment.MEASURE),
    /** G1 humongous regions (starts and continues). */
    HUMONGOUS("humongous", Treatment.MEASURE),
    /** G1 free regions: nobody writes them until they are allocated. */
    FREE("free", Treatment.SKIP),
    /** The young generation of Parallel and Serial. */
    YOUNG("young", Treatment.ASSUME),
    /** Heap whose kind the agent does not know (yet): measured. */
    HEAP("heap", Treatment.MEASURE);

    /** How a scan treats a kind. */
    public enum Treatment {
        /** Collected and re-armed: every written page reported exactly. */
        MEASURE,
        /** Left unarmed and reported written whole, without a system call. */
        ASSUME,
        /** Left unarmed and not reported. */
        SKIP
    }

    private final String eventName;
    private final Treatment treatment;

    MemoryKind(String eventName, Treatment treatment) {
        this.eventName = eventName;
        this.treatment = treatment;
    }

    /** The name events carry in {@code memoryKind}. */
    public String eventName() {
        return eventName;
    }

    public Treatment treatment() {
        return treatment;
    }
}
