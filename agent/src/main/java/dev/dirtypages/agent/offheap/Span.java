package dev.dirtypages.agent.offheap;

/** Addresses {@code [start, end)}: pages of blocks, stretches to register or collect. */
record Span(long start, long end) {
    /** This span reaching to {@code end} at least. */
    Span extendedTo(long end) {
        return end <= this.end ? this : new Span(start, end);
    }
}
