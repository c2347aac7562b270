package dev.dirtypages.agent.gcepoch;

import dev.dirtypages.agent.collector.KindedSpan;
import dev.dirtypages.agent.collector.MemoryKind;
import dev.dirtypages.kernel.AddressRange;
import dev.dirtypages.kernel.Pages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one place that says what the GC pauses scan and which kind of memory their written pages lie in, both from
 * the heap's spans as the last scan from Java cut them ({@link dev.dirtypages.agent.sample.Sampler#heapSpans}).
 */
final class MemoryKindSplit {
    private MemoryKindSplit() {
    }

    /**
     * The ranges the pauses scan: the measured spans, adjacent ones joined, at most {@code max} (beyond, the
     * smallest gaps between them are scanned too: a pause then re-arms some unarmed memory, which is reported once
     * more, never missed).
     */
    static List<AddressRange> pauseRanges(List<KindedSpan> spans, int max) {
        List<long[]> joined = new ArrayList<>();
        for (KindedSpan s : spans) {
            if (!s.measured() || s.end() <= s.start()) {
                continue;
            }
            long[] last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
            if (last != null && last[1] == s.start()) {
                last[1] = s.end();
            } else {
                joined.add(new long[] {s.start(), s.end()});
            }
        }
        while (joined.size() > max) {
            int smallest = 1;
            for (int i = 2; i < joined.size(); i++) {
                if (joined.get(i)[0] - joined.get(i - 1)[1] < joined.get(smallest)[0] - joined.get(smallest - 1)[1]) {
                    smallest = i;
                }
            }
            joined.get(smallest - 1)[1] = joined.remove(smallest)[1];
        }
        List<AddressRange> out = new ArrayList<>(joined.size());
        for (long[] r : joined) {
            out.add(new AddressRange(r[0], r[1]));
        }
        return out;
    }

    /** Bytes of the spans the pauses leave out (unmeasured). */
    static long unscannedBytes(List<KindedSpan> spans) {
        long bytes = 0;
        for (KindedSpan s : spans) {
            bytes += s.measured() ? 0 : s.end() - s.start();
        }
        return bytes;
    }

    /**
     * Pages per kind in {@code ranges} (pairs start, end), by the spans (in address order) they lie in; pages in no
     * span (a gap scanned to keep the ranges few) count as {@code heap}.
     */
    static Map<String, Long> pagesByKind(long[] ranges, List<KindedSpan> spans) {
        Map<String, Long> pages = new TreeMap<>();
        int from = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            long start = ranges[i];
            long end = ranges[i + 1];
            while (from < spans.size() && spans.get(from).end() <= start) {
                from++;
            }
            long cursor = start;
            for (int k = from; k < spans.size() && spans.get(k).start() < end && cursor < end; k++) {
                KindedSpan s = spans.get(k);
                if (s.start() > cursor) {
                    pages.merge(MemoryKind.HEAP.eventName(), Pages.count(cursor, Math.min(s.start(), end)), Long::sum);
                    cursor = Math.min(s.start(), end);
                }
                long to = Math.min(s.end(), end);
                if (to > cursor) {
                    pages.merge(s.kind().eventName(), Pages.count(cursor, to), Long::sum);
                    cursor = to;
                }
            }
            if (cursor < end) {
                pages.merge(MemoryKind.HEAP.eventName(), Pages.count(cursor, end), Long::sum);
            }
        }
        return pages;
    }
}
