package dev.dirtypages.agent.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.GroundTruth;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.agent.testing.Recordings.Reported;
import dev.dirtypages.agent.testing.Recordings.Scan;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * arming=adaptive in a child JVM against ground truth (pages of a quiet heap array the child writes in rounds),
 * with page-sized stripes assumed after one full scan: every written page goes through measured (and settled:
 * left unarmed), assumed and re-armed. Nothing may be missed; measured reports must be exact; every assumed
 * report must follow a measured one of the same page closely enough.
 */
@EnabledIfUserfaultfd
class AdaptiveArmingIT {
    private static final int ASSUME_FOR = 3;

    @TempDir
    Path dir;

    @Test
    void assumedPagesAreOverReportedBrieflyAndNoWrittenPageIsMissed() throws Exception {
        Path jfr = dir.resolve("adaptive.jfr");
        ChildJvm.Result run = ChildJvm.in(dir).args("-XX:+UseG1GC", "-XX:-UseCompressedOops", "-Xms256m", "-Xmx256m")
                .agent("interval=100ms,file=" + jfr + ",maxranges=1000000,regions=heap,arming=adaptive,stripe=4k,"
                        + "assumeafter=1,assumefor=" + ASSUME_FOR)
                .args("-cp", ChildJvm.testClasses().toString(), "dev.dirtypages.agent.testapp.KnownHeapWrites",
                        "12", "300", "450", "11")
                .run();
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("STATE tracking"), run.toString());
        assertFalse(run.stdout().contains("MOVED"), "the array moved: the ground truth is void\n" + run);
        String[] block = run.stdout().lines().filter(l -> l.startsWith("BLOCK ")).findFirst().orElseThrow().split(" ");
        long firstPage = Long.parseLong(block[1]);
        long end = firstPage + Integer.parseInt(block[2]) * 4096L;
        GroundTruth truth = GroundTruth.parse(run.stdout());

        List<Scan> all = Recordings.scans(jfr, firstPage, end);
        List<Scan> measured = Recordings.scans(jfr, firstPage, end, Reported.MEASURED);
        List<Scan> assumed = Recordings.scans(jfr, firstPage, end, Reported.ASSUMED);
        truth.assertNoneMissed(all);
        truth.assertLastRoundFlushed(all);
        truth.assertNoneExtra(measured, truth.quietFrom(all));

        // An assumed page was measured written by one of the scans of its longest assumed stretch before: that is
        // the whole cost.
        int window = ASSUME_FOR * AdaptiveArming.MAX_STRETCH_FACTOR + 1;
        long assumedPages = 0;
        for (int i = 0; i < assumed.size(); i++) {
            for (int page : assumed.get(i).pages()) {
                assumedPages++;
                boolean explained = false;
                for (int j = Math.max(0, i - window); j < i && !explained; j++) {
                    explained = measured.get(j).pages().contains(page);
                }
                assertTrue(explained, "scan " + assumed.get(i).id() + " assumed page " + page
                        + " that no scan of the " + window + " before measured");
            }
        }
        // Each written page is assumed by the ASSUME_FOR scans after the one that measured it.
        assertTrue(assumedPages >= 12 * 300L * ASSUME_FOR / 2, "too few assumed pages: " + assumedPages);

        // The scans count what their ranges say was assumed, every scan with ranges recorded whole (the scan at
        // JFR's last chunk end is the recordings' last: a shutdown scan racing it once left its ranges alone).
        Recordings.assertEveryRangeHasItsScan(jfr);
        Map<Long, Long> assumedBytesByScan = new HashMap<>();
        for (RecordedEvent e : Recordings.events(jfr, "dirtypages.DirtyRange")) {
            if (e.getBoolean("assumed")) {
                assumedBytesByScan.merge(e.getLong("scanId"), e.getLong("size"), Long::sum);
            }
        }
        for (RecordedEvent e : Recordings.events(jfr, "dirtypages.Scan")) {
            assertEquals(assumedBytesByScan.getOrDefault(e.getLong("scanId"), 0L), e.getLong("assumedBytes"),
                    "scan " + e.getLong("scanId"));
        }
        // Each scan says what it cost its thread; scans that emitted ranges allocated at least their events.
        List<RecordedEvent> scanEvents = Recordings.events(jfr, "dirtypages.Scan");
        assertTrue(scanEvents.stream().anyMatch(e -> e.getLong("cpuTime") > 0), "no scan used CPU time");
        assertTrue(scanEvents.stream().filter(e -> e.getLong("rangesFound") > 0).allMatch(e -> e.getLong("allocated") > 0),
                "a scan that emitted ranges allocated nothing");
        for (RecordedEvent e : Recordings.events(jfr, "dirtypages.AgentStatus")) {
            assertTrue(e.getString("options").contains("arming=adaptive,stripe=4k,assumeafter=1,assumefor=3"),
                    e.toString());
        }
    }
}
