package dev.dirtypages.agent.discover;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link HeapLocator#locate()} found: the heap's range, or why there is none.
 *
 * @param heap    the heap's reserved range, when found
 * @param problem when {@code heap} is empty: one line naming the cause and the fix; empty when it is present
 */
public record HeapDiscovery(Optional<HeapRange> heap, String problem) {
    public HeapDiscovery {
        Objects.requireNonNull(heap, "heap");
        problem = problem == null ? "" : oneLine(problem);
        if (heap.isEmpty() && problem.isEmpty()) {
            throw new IllegalArgumentException("a discovery without a heap must name its problem");
        }
    }

    public static HeapDiscovery found(HeapRange range) {
        return new HeapDiscovery(Optional.of(range), "");
    }

    public static HeapDiscovery notFound(String problem) {
        return new HeapDiscovery(Optional.empty(), problem);
    }

    /** For a log line: the range, or the problem. */
    public String describe() {
        return heap.map(HeapRange::toString).orElse(problem);
    }

    /** Line breaks and runs of blanks folded into single spaces: a problem is printed as one line. */
    static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }
}
