package dev.dirtypages.agent.hostsafety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testapp.ConcurrentWriters;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.ChildJvm.Result;
import dev.dirtypages.agent.testing.WriteGroundTruth;
import dev.dirtypages.agent.testing.WriteGroundTruth.Report;
import dev.dirtypages.agent.testing.WriteGroundTruth.Target;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load: {@value #THREADS} threads write random pages of known memory for {@value #SECONDS} s while the agent
 * scans every 10 ms (its shortest interval), thousands of scans; the writers' own log is the ground truth
 * (see {@link WriteGroundTruth}). Zero missed pages; duplicates are counted and printed.
 *
 * <p>The targets are a heap array and a direct buffer ({@link #TARGETS} names both the application's targets
 * and the agent's {@code regions=}); each writer picks one at random for each batch.
 */
@EnabledIfUserfaultfd
@Tag("soak")
class ConcurrentWritesIT {
    static final int THREADS = 4;
    static final int SECONDS = Integer.getInteger("dirtypages.load.seconds", 30);
    static final String TARGETS = "heap+direct";
    static final int MIB_PER_TARGET = 64;

    @TempDir
    Path dir;

    @Test
    void manyWritersAtTheShortestIntervalMissNoPage() throws Exception {
        Path jfr = dir.resolve("load.jfr");
        Path log = dir.resolve("writes.log");
        Result run = ChildJvm.in(dir)
                .args("-XX:+UseG1GC", "-XX:-UseCompressedOops", "-Xms512m", "-Xmx512m")
                .agent("interval=10ms,regions=" + TARGETS + ",file=" + jfr + ",maxranges=1000000,arming=plain")
                .args("-cp", ChildJvm.testClasses().toString(), ConcurrentWriters.class.getName(),
                        Integer.toString(THREADS), Integer.toString(SECONDS), Integer.toString(MIB_PER_TARGET), TARGETS,
                        log.toString())
                .start().await(Duration.ofSeconds(SECONDS + 120));
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.stdout().contains("STATE tracking"), run::toString);
        assertFalse(run.stdout().contains("MOVED"), "a target moved: the ground truth is void\n" + run);
        assertFalse(run.stderr().contains("failed"), "a scan failed\n" + run);

        List<Target> targets = new ArrayList<>();
        long start = 0;
        for (String line : run.stdout().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("TARGET")) {
                targets.add(new Target(Integer.parseInt(f[1]), f[2], Long.parseLong(f[3]), Integer.parseInt(f[4])));
            } else if (f[0].equals("START")) {
                start = Long.parseLong(f[1]);
            }
        }
        assertEquals(TARGETS.split("\\+").length, targets.size(), run::toString);

        Report report = WriteGroundTruth.check(jfr, log, targets, start);
        System.out.println("ConcurrentWritesIT: " + THREADS + " writers, " + SECONDS + " s, targets " + TARGETS + ": "
                + report.describe());
        assertTrue(report.scans() >= 1000 * SECONDS / 30 * 2, "thousands of scans expected: " + report.describe());
        assertTrue(report.pageWrites() > 100_000, report.describe());
        for (Target t : targets) {
            assertTrue(report.pageWritesByTarget()[t.index()] > 10_000, "few writes to " + t + ": " + report.describe());
        }
        assertTrue(report.racedBatches() > 0, "no write raced a scan: the test did not test that\n" + report.describe());
        // The windows are widened by the measured clock spread; beyond two 10 ms intervals they would be too wide
        // to say much. A loaded machine (CI's two cores, a child JVM beside Maven) has shown 10 ms.
        assertTrue(report.clockSpreadNanos() < 20_000_000, "the clocks drifted apart: " + report.describe());
        assertEquals(0, report.missed(), report.describe());
    }
}
