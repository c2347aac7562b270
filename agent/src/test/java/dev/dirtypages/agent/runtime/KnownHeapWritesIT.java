package dev.dirtypages.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.agent.testing.Recordings.Scan;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent in a child JVM against ground truth: pages of the heap the child wrote, at addresses it
 * knows, in rounds. Every written page must be reported by the scan that covers its write (or, when
 * the write raced a scan, the next one), and no page of the otherwise quiet array may be reported by
 * a scan whose interval saw no write to it.
 */
@EnabledIfUserfaultfd
class KnownHeapWritesIT {
    private static final long INTERVAL_MS = 100;
    /** Clock skew allowed between the child's Instant.now() and JFR's timestamps. */
    private static final long SLACK_NANOS = 20_000_000;

    @TempDir
    Path dir;

    /**
     * Each collector the agent supports. The array is large enough to be allocated where none of them moves
     * it during the test (G1 and Shenandoah humongous regions, the old generation of Parallel and Serial);
     * the child checks its address after every round, so a move voids the run loudly rather than silently.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseG1GC", "-XX:+UseParallelGC", "-XX:+UseSerialGC", "-XX:+UseShenandoahGC"})
    void everyWrittenHeapPageIsReportedInItsIntervalAndNoOther(String collector) throws Exception {
        Path jfr = dir.resolve("known.jfr");
        ChildJvm child = ChildJvm.in(dir).args(collector, "-XX:-UseCompressedOops", "-Xms256m", "-Xmx256m");
        if (collector.contains("Parallel") || collector.contains("Serial")) {
            child.args("-Xmn16m"); // a young generation smaller than the array: it is allocated in the old one
        }
        ChildJvm.Result run = child
                .agent("interval=" + INTERVAL_MS + "ms,file=" + jfr + ",maxranges=1000000")
                .args("-cp", ChildJvm.testClasses().toString(), "dev.dirtypages.agent.testapp.KnownHeapWrites", "12", "300", "450", "7")
                .run();
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("STATE tracking"), "the agent did not start tracking\n" + run.toString());
        assertFalse(run.stdout().contains("MOVED"), "the array moved: the ground truth is void\n" + run.toString());

        long firstPage = 0;
        int pages = 0;
        List<long[]> rounds = new ArrayList<>();          // {t0, t1}
        List<Set<Integer>> written = new ArrayList<>();
        for (String line : run.stdout().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("BLOCK")) {
                firstPage = Long.parseLong(f[1]);
                pages = Integer.parseInt(f[2]);
            } else if (f[0].equals("ROUND")) {
                rounds.add(new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                Set<Integer> set = new TreeSet<>();
                for (int i = 4; i < f.length; i++) {
                    set.add(Integer.parseInt(f[i]));
                }
                written.add(set);
            }
        }
        assertEquals(12, rounds.size(), run.toString());

        List<Scan> scans = Recordings.scans(jfr, firstPage, firstPage + pages * 4096L);
        assertTrue(scans.size() >= 12 * 3, "expected a scan every " + INTERVAL_MS + " ms, got " + scans.size());

        // No page missed: each page of round r is reported by a scan that ended after the round's writes
        // began and began no later than the first scan that began after they ended.
        long missed = 0;
        StringBuilder missedReport = new StringBuilder();
        for (int r = 0; r < rounds.size(); r++) {
            long t0 = rounds.get(r)[0];
            long t1 = rounds.get(r)[1];
            Scan firstAfter = scans.stream().filter(s -> s.beginNanos() > t1 + SLACK_NANOS).findFirst().orElse(null);
            long latestBegin = firstAfter == null ? Long.MAX_VALUE : firstAfter.beginNanos();
            Set<Integer> reported = new TreeSet<>();
            for (Scan s : scans) {
                if (s.endNanos() >= t0 - SLACK_NANOS && s.beginNanos() <= latestBegin) {
                    reported.addAll(s.pages());
                }
            }
            for (int page : written.get(r)) {
                if (!reported.contains(page)) {
                    missed++;
                    missedReport.append(" round ").append(r + 1).append(" page ").append(page);
                }
            }
        }
        assertEquals(0, missed, "written pages not reported:" + missedReport);

        // None extra: a page a scan reports was written by a round inside the interval that scan covers
        // (from the previous scan's start to this scan's end). The first scan also covers the array's
        // allocation (zeroing) and is left out.
        for (int i = 1; i < scans.size(); i++) {
            Scan s = scans.get(i);
            long from = scans.get(i - 1).beginNanos() - SLACK_NANOS;
            long to = s.endNanos() + SLACK_NANOS;
            Set<Integer> allowed = new TreeSet<>();
            for (int r = 0; r < rounds.size(); r++) {
                if (rounds.get(r)[1] >= from && rounds.get(r)[0] <= to) {
                    allowed.addAll(written.get(r));
                }
            }
            if (s.beginNanos() < rounds.get(0)[0] - SLACK_NANOS) {
                continue; // before the first round: the allocation's zeroing may still be reported
            }
            for (int page : s.pages()) {
                if (!allowed.contains(page)) {
                    fail("scan " + s.id() + " reported page " + page + " of the quiet array, which no round wrote in "
                            + "its interval");
                }
            }
        }

        // The last round was written just before exit: it must be in the recording (the final flush).
        Set<Integer> everReported = new TreeSet<>();
        scans.forEach(s -> everReported.addAll(s.pages()));
        assertTrue(everReported.containsAll(written.get(written.size() - 1)),
                "the last interval was not flushed at exit");
    }
}
