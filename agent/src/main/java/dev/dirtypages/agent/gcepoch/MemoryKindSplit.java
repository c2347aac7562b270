package dev.dirtypages.agent.gcepoch;

import dev.dirtypages.kernel.Pages;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one place that says which kind of memory a pause scan's written pages lie in, for dirtypages.GcKindWrites.
 * Today the agent tells no kinds of heap memory apart, so every page is {@code heap}; collector-aware arming
 * (G1's eden, survivor, old, humongous; Parallel's and Serial's young and old) splits here.
 */
final class MemoryKindSplit {
    static final String HEAP = "heap";

    private MemoryKindSplit() {
    }

    /** Pages per kind in {@code ranges} (pairs start, end). */
    static Map<String, Long> pagesByKind(long[] ranges) {
        Map<String, Long> pages = new TreeMap<>();
        for (int i = 0; i < ranges.length; i += 2) {
            pages.merge(HEAP, Pages.count(ranges[i], ranges[i + 1]), Long::sum);
        }
        return pages;
    }
}
