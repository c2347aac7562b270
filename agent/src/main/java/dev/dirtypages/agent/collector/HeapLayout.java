package dev.dirtypages.agent.collector;

/**
 * The heap cut by kind for one scan: collector-aware arming measures the old and humongous spans, reports the
 * young ones as written without measuring them, and leaves free ones alone.
 *
 * <p>The guarantee rests on the kernel, not on the layout being current: memory a scan does not collect is never
 * re-armed, so the kernel keeps every page written there WRITTEN, and the first scan that collects it (once the
 * agent learns it is old, however late) reports all of it. A layout that is late only moves reports to a later
 * scan, as written in docs/options.md.
 */
public interface HeapLayout extends AutoCloseable {
    /**
     * Visits, in address order, the spans of {@code [start, end)} (a tracked part of the heap) for the scan now
     * starting. Called by the sampler thread only.
     *
     * @param complete the scan must report every write made so far (at exit, at a chunk's end, for a snapshot
     *                 tool's checkpoint): memory that would be left alone (free) is measured instead, so that a
     *                 change the layout has not heard of yet cannot hold a write back
     */
    void forEachSpan(long start, long end, boolean complete, SpanVisitor visitor);

    /** What the layout knows and where from, for the log. */
    String describe();

    @Override
    void close();

    /** Receives the spans of a layout. */
    @FunctionalInterface
    interface SpanVisitor {
        /**
         * @param kind      what the span is now
         * @param treatment how the scan treats it (a span that was young during the interval is assumed even if
         *                  it is free now)
         */
        void span(long start, long end, MemoryKind kind, MemoryKind.Treatment treatment);
    }
}
