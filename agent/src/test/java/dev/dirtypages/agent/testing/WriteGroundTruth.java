package dev.dirtypages.agent.testing;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Checks a recording against the writes an application logged (see {@code testapp.ConcurrentWriters}): every
 * page written must be reported by a scan that could have seen the write, none may be missed.
 *
 * <p>The criterion is sound whatever the scheduling: a write done in {@code [t0, t1]} is reported by a scan
 * that ended at or after {@code t0} and began no later than the first scan that began after {@code t1} (that
 * scan found the page written unless an earlier one, racing the write, already had; scans are serialised, so
 * their ids are in time order). Times are compared on one clock: the application commits {@code
 * testapp.ClockMark} events holding its own epoch time, from which the offset to the recording's clock and
 * its spread are measured (over the better half of the marks: one whose thread was preempted between its
 * clock readings is vague); the windows are widened by that spread and one millisecond, no more.
 *
 * <p>Reports that no logged write explains (a page reported by a scan outside the window of every write to
 * it) are allowed: they are counted and reported as duplicates. Memory the JVM remapped is reported whole,
 * for instance; over a fixed heap with no remapping there should be none.
 */
public final class WriteGroundTruth {
    private static final long PAGE = 4096;
    private static final long CLOCK_GRANULARITY_NANOS = 1_000_000;

    private WriteGroundTruth() {
    }

    /** Memory the writers wrote: page {@code i} is at {@code firstPage + i * 4096}. */
    public record Target(int index, String name, long firstPage, int pages) {
        boolean overlaps(long start, long end) {
            return start < firstPage + pages * PAGE && end > firstPage;
        }
    }

    /** What the check found. */
    public record Report(int scans, long batches, long pageWrites, long[] pageWritesByTarget, long racedBatches,
                         long pageReports, long unexplained, long missed, List<String> missedExamples,
                         long clockOffsetNanos, long clockSpreadNanos, long slackNanos) {
        public String describe() {
            return String.format("%d scans, %d batches = %d page writes %s (%d batches overlapped a scan), %d page "
                    + "reports, %d reports no logged write explains (duplicates), %d missed; clocks: offset %.3f ms, "
                    + "spread %.3f ms, windows widened by %.3f ms", scans, batches, pageWrites,
                    Arrays.toString(pageWritesByTarget), racedBatches, pageReports, unexplained, missed,
                    clockOffsetNanos / 1e6, clockSpreadNanos / 1e6, slackNanos / 1e6)
                    + (missedExamples.isEmpty() ? "" : "\nmissed, e.g.:\n  " + String.join("\n  ", missedExamples));
        }
    }

    /**
     * Checks {@code jfr} against the write log {@code log} of {@code targets}. Scans that began before
     * {@code startNanos} (the application's clock: when its writes began) are left out of the count of
     * unexplained reports (they report the targets' allocation).
     */
    public static Report check(Path jfr, Path log, List<Target> targets, long startNanos) throws IOException {
        TreeMap<Long, long[]> scanTimes = new TreeMap<>();
        LongList reports = new LongList();          // target << 48 | page << 24 | scan id (see pack)
        List<long[]> marks = new ArrayList<>();     // {jfr time - app time, uncertainty}
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                switch (e.getEventType().getName()) {
                    case "dirtypages.Scan":
                        scanTimes.put(e.getLong("scanId"), new long[] {nanos(e.getStartTime()), nanos(e.getEndTime())});
                        break;
                    case "dirtypages.DirtyRange": {
                        long start = e.getLong("startAddress");
                        long end = e.getLong("endAddress");
                        for (Target t : targets) {
                            if (t.overlaps(start, end)) {
                                long from = Math.max(0, (start - t.firstPage) / PAGE);
                                long to = Math.min(t.pages, (end - t.firstPage + PAGE - 1) / PAGE);
                                for (long p = from; p < to; p++) {
                                    reports.add(pack(t.index, (int) p, e.getLong("scanId")));
                                }
                            }
                        }
                        break;
                    }
                    case "testapp.ClockMark":
                        marks.add(new long[] {nanos(e.getStartTime()) - e.getLong("epochNanos"),
                                e.getLong("uncertaintyNanos")});
                        break;
                    default:
                        break;
                }
            }
        }
        if (marks.isEmpty()) {
            throw new AssertionError("no testapp.ClockMark events in " + jfr + ": the clocks cannot be related");
        }
        // A mark whose thread was preempted between its two clock readings says little: keep the better half
        // (the marks are spread over the whole run, so the kept ones still show any drift between the clocks).
        marks.sort((a, b) -> Long.compare(a[1], b[1]));
        List<long[]> kept = marks.subList(0, Math.max(Math.min(3, marks.size()), (marks.size() + 1) / 2));
        long[] offsets = kept.stream().mapToLong(m -> m[0]).sorted().toArray();
        long offset = offsets[offsets.length / 2];
        long uncertainty = kept.stream().mapToLong(m -> m[1]).max().orElse(0);
        long spread = offsets[offsets.length - 1] - offsets[0] + 2 * uncertainty;
        long slack = spread + CLOCK_GRANULARITY_NANOS;

        int n = scanTimes.size();
        long[] ids = new long[n];
        long[] begins = new long[n];
        long[] ends = new long[n];
        int i = 0;
        for (var entry : scanTimes.entrySet()) {
            ids[i] = entry.getKey();
            begins[i] = entry.getValue()[0];
            ends[i] = entry.getValue()[1];
            i++;
        }
        reports.sort();
        int firstAfterStart = firstBeginAfter(begins, startNanos + offset);
        long firstCountedScan = firstAfterStart < n ? ids[firstAfterStart] : Long.MAX_VALUE;

        LongList windows = new LongList();  // pairs: pack(target, page, lo scan id), hi scan id
        long batches = 0;
        long pageWrites = 0;
        long[] byTarget = new long[targets.size()];
        long raced = 0;
        long missed = 0;
        List<String> examples = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(log), 1 << 16))) {
            while (true) {
                long t0;
                try {
                    t0 = in.readLong();
                } catch (EOFException end) {
                    break;
                }
                long t1 = in.readLong();
                int target = in.readByte();
                int count = in.readByte();
                int[] pages = new int[count];
                for (int k = 0; k < count; k++) {
                    pages[k] = in.readInt();
                }
                batches++;
                long from = t0 + offset;
                long to = t1 + offset;
                // The window: scans that ended at or after the write began, up to the first that began after it.
                int lo = firstEndAtOrAfter(ends, from - slack);
                int hi = firstBeginAfter(begins, to + slack);
                if (overlapsAScan(begins, ends, from, to)) {
                    raced++;
                }
                for (int page : pages) {
                    pageWrites++;
                    byTarget[target]++;
                    boolean found = hi < n && reported(reports, target, page, ids[Math.min(lo, n - 1)], ids[hi]);
                    if (!found) {
                        missed++;
                        if (examples.size() < 10) {
                            examples.add(String.format("target %d page %d written in [%d, %d] (recording clock), "
                                    + "window scans %s..%s; reported by scans %s", target, page, from, to,
                                    lo < n ? ids[lo] : "none", hi < n ? ids[hi] : "none (no scan after the write)",
                                    reportsOf(reports, target, page)));
                        }
                    }
                    if (hi < n) {
                        windows.add(pack(target, page, ids[Math.min(lo, n - 1)]));
                        windows.add(ids[hi]);
                    }
                }
            }
        }

        // Unexplained reports: sweep the reports against the windows, both sorted by (target, page, scan id).
        long[][] w = new long[windows.size() / 2][];
        for (int k = 0; k < w.length; k++) {
            w[k] = new long[] {windows.get(2 * k), windows.get(2 * k + 1)};
        }
        Arrays.sort(w, (a, b) -> Long.compare(a[0], b[0]));
        long unexplained = 0;
        int wi = 0;
        for (int r = 0; r < reports.size(); r++) {
            long report = reports.get(r);
            long key = report & ~SCAN_MASK;
            long scan = report & SCAN_MASK;
            if (scan < firstCountedScan) {
                continue;
            }
            while (wi < w.length && (w[wi][0] & ~SCAN_MASK) < key) {
                wi++;
            }
            boolean explained = false;
            for (int k = wi; k < w.length && (w[k][0] & ~SCAN_MASK) == key; k++) {
                if ((w[k][0] & SCAN_MASK) <= scan && scan <= w[k][1]) {
                    explained = true;
                    break;
                }
            }
            if (!explained) {
                unexplained++;
            }
        }
        return new Report(n, batches, pageWrites, byTarget, raced, reports.size(), unexplained, missed, examples, offset,
                spread, slack);
    }

    private static final long SCAN_MASK = (1L << 24) - 1;

    private static long pack(int target, int page, long scanId) {
        if (scanId > SCAN_MASK || page >= 1 << 24 || target > 127) {
            throw new IllegalArgumentException("too large to pack: " + target + "/" + page + "/" + scanId);
        }
        return (long) target << 48 | (long) page << 24 | scanId;
    }

    private static boolean reported(LongList sorted, int target, int page, long loId, long hiId) {
        int at = sorted.lowerBound(pack(target, page, loId));
        return at < sorted.size() && sorted.get(at) <= pack(target, page, hiId);
    }

    private static String reportsOf(LongList sorted, int target, int page) {
        List<Long> out = new ArrayList<>();
        for (int at = sorted.lowerBound(pack(target, page, 0));
             at < sorted.size() && (sorted.get(at) & ~SCAN_MASK) == pack(target, page, 0); at++) {
            out.add(sorted.get(at) & SCAN_MASK);
        }
        return out.toString();
    }

    private static int firstEndAtOrAfter(long[] ends, long t) {
        int lo = 0;
        int hi = ends.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] >= t) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static int firstBeginAfter(long[] begins, long t) {
        int lo = 0;
        int hi = begins.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (begins[mid] > t) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static boolean overlapsAScan(long[] begins, long[] ends, long from, long to) {
        int i = firstEndAtOrAfter(ends, from);
        return i < begins.length && begins[i] <= to;
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** A growable list of longs (millions of them, without boxing). */
    static final class LongList {
        private long[] values = new long[1 << 16];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long get(int i) {
            return values[i];
        }

        int size() {
            return size;
        }

        void sort() {
            Arrays.sort(values, 0, size);
        }

        /** The first index whose value is >= v (the list sorted). */
        int lowerBound(long v) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (values[mid] >= v) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }
    }
}
