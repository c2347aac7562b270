package dev.dirtypages.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testapp.KnownOffHeapWrites;
import dev.dirtypages.agent.testing.Await;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM killed while it records: its recording file is left empty, and its repository holds a last chunk that
 * JFR had flushed in part. {@code report} says the first in one line with a non-zero exit and no stack trace,
 * and reads the chunk as far as it was flushed (or, cut inside an event, says so in one line).
 */
@EnabledIfUserfaultfd
class ReportOfAKilledJvmIT {
    @TempDir
    Path dir;

    @Test
    void theFilesOfAKilledJvmGetOneClearLineEach() throws Exception {
        Path jfr = dir.resolve("killed.jfr");
        Path repository = dir.resolve("repository");
        ChildJvm.Running child = ReportChildren.offHeapChild(dir).args("-XX:FlightRecorderOptions:repository=" + repository)
                .agent("interval=50ms,file=" + jfr)
                .args("-cp", ChildJvm.testClasses().toString(), KnownOffHeapWrites.class.getName(), "direct",
                        Long.toString((1 << 20) + 777), "1000", "8", "20", "5")
                .start();
        // Killed while it records: once JFR has started writing its repository (the application does not wait for
        // the agent, so its first rounds may come before), and 20 rounds later.
        Await.until(ChildJvm.TIMEOUT, () -> !chunks(repository).isEmpty(), () -> !child.isAlive(),
                () -> "no chunk in the repository\n" + child.describe());
        long written = child.stdout().lines().filter(l -> l.startsWith("ROUND ")).count();
        child.awaitLine("ROUND " + (written + 20) + " ", ChildJvm.TIMEOUT);
        child.kill();

        // the recording file is left empty (or absent): one line
        if (Files.exists(jfr)) {
            ChildJvm.Result r = report(jfr);
            assertEquals(1, r.exitCode(), r::toString);
            assertEquals("dirtypages: " + jfr + " is empty: was the JVM that was to write it killed before it could?",
                    r.stderr().trim(), r::toString);
        }
        // the repository's last chunk: read as far as JFR flushed it, or one line when cut inside an event
        List<Path> chunks = chunks(repository);
        assertFalse(chunks.isEmpty(), "the killed JVM left no chunk in its repository");
        for (Path chunk : chunks) {
            ChildJvm.Result r = report(chunk);
            if (r.exitCode() == 0) {
                assertTrue(Files.size(dir.resolve("killed.html")) > 0, r::toString);
                continue;
            }
            assertEquals(1, r.exitCode(), r::toString);
            assertEquals(1, r.stderr().lines().count(), r::toString);
            assertTrue(r.stderr().startsWith("dirtypages: " + chunk + " is truncated"), r::toString);
            assertFalse(r.stderr().contains("Exception"), r::toString);
        }
    }

    private static List<Path> chunks(Path repository) throws java.io.IOException {
        if (!Files.exists(repository)) {
            return List.of();
        }
        List<Path> chunks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(repository)) {
            files.filter(p -> p.toString().endsWith(".jfr")).forEach(chunks::add);
        } catch (java.io.UncheckedIOException e) {
            return List.of();   // JFR removed a file while it was listed: look again
        }
        return chunks;
    }

    private ChildJvm.Result report(Path file) throws Exception {
        return ChildJvm.in(dir).args("-jar", ChildJvm.agentJar().toString(), "report", file.toString(), "-o",
                dir.resolve("killed.html").toString()).run();
    }
}
