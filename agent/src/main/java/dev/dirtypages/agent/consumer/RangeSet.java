package dev.dirtypages.agent.consumer;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Address ranges {@code [start, end)} with a bound on how many are kept: overlapping and touching ranges
 * are joined as they are added, and when there are more than the bound allows, the ranges separated by
 * the smallest gaps are joined, gap and all. The set never loses an address it was given; what it trades
 * for the bound is precision, counted in {@link #coarsenedBytes()}: the bytes of the gaps it filled (an
 * upper bound of the bytes in the set that were never added).
 *
 * <p>The bound is {@code limit} ranges after {@link #compact()}; between compactions up to twice that, so
 * that the cost of joining is paid once per batch of additions, not once per addition. Not thread-safe.
 */
final class RangeSet {
    private final int limit;
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private long coarsenedBytes;

    RangeSet(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    /** Adds {@code [start, end)}, joining it with the ranges it overlaps or touches. */
    void add(long start, long end) {
        if (end <= start) {
            return;
        }
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            if (before.getValue() >= end) {
                return;
            }
            start = before.getKey();
        }
        Map.Entry<Long, Long> next = ranges.ceilingEntry(start);
        while (next != null && next.getKey() <= end) {
            end = Math.max(end, next.getValue());
            ranges.remove(next.getKey());
            next = ranges.higherEntry(next.getKey());
        }
        ranges.put(start, end);
        if (ranges.size() > 2 * limit) {
            compact();
        }
    }

    /** Joins the ranges separated by the smallest gaps until at most {@code limit} are left. */
    void compact() {
        int n = ranges.size();
        if (n <= limit) {
            return;
        }
        long[] starts = new long[n];
        long[] ends = new long[n];
        int i = 0;
        for (Map.Entry<Long, Long> e : ranges.entrySet()) {
            starts[i] = e.getKey();
            ends[i] = e.getValue();
            i++;
        }
        long[] gaps = new long[n - 1];
        for (i = 0; i < n - 1; i++) {
            gaps[i] = starts[i + 1] - ends[i];
        }
        int joins = n - limit;
        long[] sorted = gaps.clone();
        Arrays.sort(sorted);
        long threshold = sorted[joins - 1];
        // Every gap below the threshold is filled, and gaps equal to it (in address order) until enough are.
        int equalToFill = joins;
        for (long g : sorted) {
            if (g < threshold) {
                equalToFill--;
            }
        }
        ranges.clear();
        long runStart = starts[0];
        for (i = 0; i < n - 1; i++) {
            boolean fill = gaps[i] < threshold || (gaps[i] == threshold && equalToFill-- > 0);
            if (fill) {
                coarsenedBytes += gaps[i];
            } else {
                ranges.put(runStart, ends[i]);
                runStart = starts[i + 1];
            }
        }
        ranges.put(runStart, ends[n - 1]);
    }

    int size() {
        return ranges.size();
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Bytes covered. */
    long bytes() {
        long total = 0;
        for (Map.Entry<Long, Long> e : ranges.entrySet()) {
            total += e.getValue() - e.getKey();
        }
        return total;
    }

    /** Bytes of the gaps filled to keep the bound since the set was last cleared. */
    long coarsenedBytes() {
        return coarsenedBytes;
    }

    /** The ranges as {@code start0, end0, start1, end1, ...}, in address order. */
    long[] toArray() {
        long[] out = new long[2 * ranges.size()];
        int i = 0;
        for (Map.Entry<Long, Long> e : ranges.entrySet()) {
            out[i++] = e.getKey();
            out[i++] = e.getValue();
        }
        return out;
    }

    void clear() {
        ranges.clear();
        coarsenedBytes = 0;
    }
}
