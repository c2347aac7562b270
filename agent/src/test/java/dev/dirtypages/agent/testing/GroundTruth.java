package dev.dirtypages.agent.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dirtypages.agent.testing.Recordings.Scan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a child wrote, round by round ({@code ROUND <n> <t0 nanos> <t1 nanos> <page>...} lines), checked
 * against the scans of its recording: every written page reported by a scan that covers its write (or, when
 * the write raced a scan, the next one), and no page of the otherwise quiet block reported by a scan whose
 * interval saw no write to it.
 */
public final class GroundTruth {
    /** Clock skew allowed between the child's Instant.now() and JFR's timestamps. */
    public static final long SLACK_NANOS = 20_000_000;

    public final List<long[]> rounds = new ArrayList<>();          // {t0, t1}
    public final List<Set<Integer>> written = new ArrayList<>();
    /** When the child allocated its block ({@code BLOCK <firstPage> <pages> <allocated>}), 0 if it did not say. */
    public long allocatedNanos;

    /** The ROUND lines of {@code stdout}, and the BLOCK line's allocation time. */
    public static GroundTruth parse(String stdout) {
        GroundTruth g = new GroundTruth();
        for (String line : stdout.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("BLOCK") && f.length > 3) {
                g.allocatedNanos = Long.parseLong(f[3]);
            } else if (f[0].equals("ROUND")) {
                g.rounds.add(new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                Set<Integer> set = new TreeSet<>();
                for (int i = 4; i < f.length; i++) {
                    set.add(Integer.parseInt(f[i]));
                }
                g.written.add(set);
            }
        }
        return g;
    }

    /** No page missed: each page of round r is reported by a scan that ends after the round began and begins no later than the first scan after it. */
    public void assertNoneMissed(List<Scan> scans) {
        long missed = 0;
        StringBuilder report = new StringBuilder();
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
                    report.append(" round ").append(r + 1).append(" page ").append(page);
                }
            }
        }
        assertEquals(0, missed, "written pages not reported:" + report);
    }

    /**
     * None extra: a page a scan reports was written by a round inside the interval that scan covers (from
     * the previous scan's start to this scan's end). Scans that began before {@code quietFrom} are left out.
     */
    public void assertNoneExtra(List<Scan> scans, long quietFrom) {
        for (int i = 1; i < scans.size(); i++) {
            Scan s = scans.get(i);
            if (s.beginNanos() < quietFrom) {
                continue;
            }
            long from = scans.get(i - 1).beginNanos() - SLACK_NANOS;
            long to = s.endNanos() + SLACK_NANOS;
            Set<Integer> allowed = new TreeSet<>();
            for (int r = 0; r < rounds.size(); r++) {
                if (rounds.get(r)[1] >= from && rounds.get(r)[0] <= to) {
                    allowed.addAll(written.get(r));
                }
            }
            for (int page : s.pages()) {
                if (!allowed.contains(page)) {
                    fail("scan " + s.id() + " reported page " + page + " of the quiet block, which no round wrote in "
                            + "its interval");
                }
            }
        }
    }

    /**
     * From when the block is quiet but for the rounds: the allocation zeroed all of it, and the first scan reports
     * every page written since the heap was mapped, so the scans up to the first one that began after the
     * allocation are left out of {@link #assertNoneExtra}.
     */
    public long quietFrom(List<Scan> scans) {
        return scans.stream().filter(s -> s.beginNanos() > allocatedNanos + SLACK_NANOS).findFirst()
                .map(s -> s.beginNanos() + 1).orElse(Long.MAX_VALUE);
    }

    /** Every page of the last round is in the recording (the final flush at exit). */
    public void assertLastRoundFlushed(List<Scan> scans) {
        Set<Integer> everReported = new TreeSet<>();
        scans.forEach(s -> everReported.addAll(s.pages()));
        if (!everReported.containsAll(written.get(written.size() - 1))) {
            fail("the last interval was not flushed at exit");
        }
    }
}
