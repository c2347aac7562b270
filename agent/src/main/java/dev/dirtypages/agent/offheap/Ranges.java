package dev.dirtypages.agent.offheap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Address ranges the off-heap tracker registered itself (whole mappings, mostly): sorted, disjoint, joined
 * where they touch. Spans of tracked pages lying in one of them may be collected together with the pages
 * between them, which are registered too, so that a scan needs one ioctl per cluster of blocks rather than one
 * per block.
 *
 * <p>A range stays here after its memory is unmapped: a span is only ever joined across a short gap, and
 * where a gap turns out not to be registered any more the tracker's repair registers it again (its pages
 * count as written and belong to no block).
 */
final class Ranges {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    /** Adds {@code [start, end)}, joining it with the ranges it overlaps or touches. */
    void add(long start, long end) {
        if (start >= end) {
            return;
        }
        Map.Entry<Long, Long> below = ranges.floorEntry(start);
        if (below != null && below.getValue() >= start) {
            start = below.getKey();
            end = Math.max(end, below.getValue());
        }
        Map.Entry<Long, Long> next = ranges.ceilingEntry(start);
        while (next != null && next.getKey() <= end) {
            end = Math.max(end, next.getValue());
            ranges.remove(next.getKey());
            next = ranges.ceilingEntry(start);
        }
        ranges.put(start, end);
    }

    /** Whether {@code [start, end)} lies within one range. */
    boolean contains(long start, long end) {
        Map.Entry<Long, Long> below = ranges.floorEntry(start);
        return below != null && below.getValue() >= end;
    }

    int size() {
        return ranges.size();
    }

    /**
     * Sorted, disjoint spans with those separated by at most {@code maxGap} bytes of registered memory (one
     * range holding the gap) joined.
     */
    List<Span> join(List<Span> spans, long maxGap) {
        List<Span> out = new ArrayList<>(spans.size());
        for (Span s : spans) {
            int last = out.size() - 1;
            if (last >= 0) {
                long gapStart = out.get(last).end();
                if (s.start() - gapStart <= maxGap && contains(gapStart, s.start())) {
                    out.set(last, out.get(last).extendedTo(s.end()));
                    continue;
                }
            }
            out.add(s);
        }
        return out;
    }

    /** Spans grouped where they lie at most {@code maxGap} apart: each group as its first and last index. */
    static List<int[]> clusters(List<Span> spans, long maxGap) {
        List<int[]> out = new ArrayList<>();
        int first = 0;
        for (int i = 1; i <= spans.size(); i++) {
            if (i == spans.size() || spans.get(i).start() - spans.get(i - 1).end() > maxGap) {
                if (first < i) {
                    out.add(new int[] {first, i - 1});
                }
                first = i;
            }
        }
        return out;
    }

    /** The parts two lists of sorted, disjoint {@code [start, end)} spans have in common, in address order. */
    static List<Span> intersect(List<Span> a, List<Span> b) {
        List<Span> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            long s = Math.max(a.get(i).start(), b.get(j).start());
            long e = Math.min(a.get(i).end(), b.get(j).end());
            if (s < e) {
                out.add(new Span(s, e));
            }
            if (a.get(i).end() < b.get(j).end()) {
                i++;
            } else {
                j++;
            }
        }
        return out;
    }
}
