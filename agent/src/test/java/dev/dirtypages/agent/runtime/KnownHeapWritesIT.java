package dev.dirtypages.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.GroundTruth;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.agent.testing.Recordings.Scan;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent in a child JVM against ground truth: pages of the heap the child wrote, at addresses it
 * knows, in rounds. Every written page must be reported by the scan that covers its write (or, when
 * the write raced a scan, the next one), and no page of the otherwise quiet array may be reported by
 * a scan whose interval saw no write to it. The child allocates and writes from the first line of main: its first
 * rounds come before the agent tracks the heap, and must be reported by the first scans.
 */
@EnabledIfUserfaultfd
class KnownHeapWritesIT {
    private static final long INTERVAL_MS = 100;
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
                // Plain arming measures every page; Shenandoah says nowhere what it allocates into, so its default
                // (collector-aware) arming falls back to plain, and is tested as it comes.
                .agent("interval=" + INTERVAL_MS + "ms,file=" + jfr + ",maxranges=1000000"
                        + (collector.contains("Shenandoah") ? "" : ",arming=plain"))
                .args("-cp", ChildJvm.testClasses().toString(), "dev.dirtypages.agent.testapp.KnownHeapWrites", "12", "300", "450", "7")
                .run();
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("STATE tracking"), "the agent did not start tracking\n" + run.toString());
        assertFalse(run.stdout().contains("MOVED"), "the array moved: the ground truth is void\n" + run.toString());

        long firstPage = 0;
        int pages = 0;
        for (String line : run.stdout().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("BLOCK")) {
                firstPage = Long.parseLong(f[1]);
                pages = Integer.parseInt(f[2]);
            }
        }
        GroundTruth truth = GroundTruth.parse(run.stdout());
        assertEquals(12, truth.rounds.size(), run.toString());

        List<Scan> scans = Recordings.scans(jfr, firstPage, firstPage + pages * 4096L);
        Recordings.assertEveryRangeHasItsScan(jfr);
        assertTrue(scans.size() >= truth.rounds.size(), "expected a scan every " + INTERVAL_MS + " ms, got "
                + scans.size());

        truth.assertNoneMissed(scans);
        truth.assertNoneExtra(scans, truth.quietFrom(scans));
        // The last round was written just before exit: it must be in the recording (the final flush).
        truth.assertLastRoundFlushed(scans);
    }
}
