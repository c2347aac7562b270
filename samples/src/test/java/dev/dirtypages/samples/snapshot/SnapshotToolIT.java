package dev.dirtypages.samples.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.samples.snapshot.SnapshotTool.Launched;
import dev.dirtypages.samples.snapshot.SnapshotTool.Report;
import dev.dirtypages.samples.snapshot.SnapshotTool.Round;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The snapshot tool against a workload that mutates its heap (eden churn, old-generation writes, a heap
 * that grows while tracked) and direct buffers, with the agent's JFR timer scanning all along: the image
 * the tool reconstructs from a full copy, incremental rounds and the final delta equals the stopped
 * process's tracked memory byte for byte, and the incremental rounds copy less than full copies would.
 */
@EnabledIfUserfaultfd
class SnapshotToolIT {
    private static final int ROUNDS = 4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseG1GC", "-XX:+UseParallelGC", "-XX:+UseSerialGC", "-XX:+UseShenandoahGC"})
    void theReconstructedImageEqualsTheStoppedProcessByteForByte(String collector) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Report report;
        String workload;
        try (Launched target = launch(collector)) {
            report = SnapshotTool.snapshot(target.pid(), target.socket(), ROUNDS, Duration.ofMillis(400),
                    Duration.ofSeconds(60), new PrintStream(log, true, StandardCharsets.UTF_8));
            assertEquals(0, target.end(Duration.ofSeconds(60)), target.output());
            workload = target.output();
        }
        String told = log.toString(StandardCharsets.UTF_8) + "\nworkload:\n" + workload;
        System.out.println(collector + "\n" + log.toString(StandardCharsets.UTF_8));

        assertTrue(report.freezeHeld(), told);
        assertEquals(0, report.differingPages(), "missed writes: " + report.differences() + "\n" + told);
        assertTrue(report.comparedBytes() >= 64L << 20, "compared only " + report.comparedBytes() + " bytes\n" + told);
        List<Round> rounds = report.rounds();
        assertEquals(ROUNDS + 3, rounds.size(), told);            // full, the rounds, freeze, stopped
        assertEquals(rounds.get(0).fullBytes(), rounds.get(0).copiedBytes(), "the first copy is full\n" + told);
        // A round in which the heap grew copies the fresh memory whole, so single rounds may come close to a full
        // copy; together they must not, and the stopped round holds only what was written since the freeze.
        assertTrue(report.incrementalBytes() < report.fullCopiesBytes() / 2, told);
        Round stopped = rounds.get(rounds.size() - 1);
        // A young collection between the freeze and the stop can rewrite a third of a small heap (seen: 34%
        // under Parallel); the final delta must still be well short of a full copy.
        assertTrue(stopped.copiedBytes() < stopped.fullBytes() / 2, stopped + "\n" + told);
    }

    /** The check has teeth: without the pagemap's final delta, the writes made after the freeze are missed. */
    @Test
    void withoutTheFinalDeltaTheCheckFindsTheWritesMadeAfterTheFreeze() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Report report;
        try (Launched target = launch("-XX:+UseG1GC")) {
            report = SnapshotTool.snapshot(target.pid(), target.socket(), 1, Duration.ofMillis(200),
                    Duration.ofSeconds(60), new PrintStream(log, true, StandardCharsets.UTF_8), false);
            target.end(Duration.ofSeconds(60));
        }
        assertTrue(report.differingPages() > 0, log.toString(StandardCharsets.UTF_8));
        assertTrue(report.differences().get(0).contains("content differs"), report.differences().toString());
    }

    private Launched launch(String collector) throws Exception {
        Path agentJar = Path.of(System.getProperty("dirtypages.agentJar", "../agent/target/dirtypages-agent.jar"));
        assertTrue(Files.isRegularFile(agentJar), agentJar + " is missing: build the agent (mvn verify) first");
        Path work = Files.createDirectories(dir.resolve(collector.replaceAll("\\W", "")));
        return SnapshotTool.launch(agentJar, "interval=50ms,file=" + work.resolve("workload.jfr"),
                List.of(collector, "-Xms32m", "-Xmx256m"), List.of("64", "32"), work);
    }
}
