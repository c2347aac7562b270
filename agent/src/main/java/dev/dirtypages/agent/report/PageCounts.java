package dev.dirtypages.agent.report;

import java.util.HashMap;
import java.util.Map;

/**
 * How many times each page was reported, in chunks of 512 pages (2 MiB) kept as {@code int[]}: a recording's
 * ranges touch every page they name, and a boxed map entry per page made long recordings slow and large.
 */
final class PageCounts {
    private static final int PAGE_SHIFT = 12;
    private static final int CHUNK_SHIFT = 9;
    private static final int CHUNK_PAGES = 1 << CHUNK_SHIFT;

    private final Map<Long, int[]> chunks = new HashMap<>();
    private long distinct;

    /** Counts one report of every page of {@code [start, end)}. */
    void add(long start, long end) {
        long first = start >>> PAGE_SHIFT;
        long last = (end + (1L << PAGE_SHIFT) - 1) >>> PAGE_SHIFT;
        long page = first;
        while (page < last) {
            long chunk = page >>> CHUNK_SHIFT;
            int[] counts = chunks.computeIfAbsent(chunk, k -> new int[CHUNK_PAGES]);
            int from = (int) (page & (CHUNK_PAGES - 1));
            int to = (int) Math.min(CHUNK_PAGES, from + (last - page));
            for (int i = from; i < to; i++) {
                if (counts[i]++ == 0) {
                    distinct++;
                }
            }
            page += to - from;
        }
    }

    /** Pages reported at least once. */
    long distinct() {
        return distinct;
    }

    /** Pages reported at least {@code times} times. */
    long countAtLeast(int times) {
        long n = 0;
        for (int[] counts : chunks.values()) {
            for (int c : counts) {
                if (c >= times && c > 0) {
                    n++;
                }
            }
        }
        return n;
    }
}
