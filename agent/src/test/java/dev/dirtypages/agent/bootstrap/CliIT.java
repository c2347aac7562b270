package dev.dirtypages.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.ChildJvm.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar dirtypages-agent.jar}: usage errors (exit 2), help, summary and probe. */
class CliIT {
    @TempDir
    Path dir;

    private Result cli(String... args) throws Exception {
        return ChildJvm.in(dir).args("-jar", ChildJvm.agentJar().toString()).args(args).run();
    }

    @Test
    void noArgumentsPrintTheUsage() throws Exception {
        Result r = cli();
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.stderr().startsWith("usage: java -jar dirtypages-agent.jar <pid> [options]"), r::toString);
        assertEquals("", r.stdout(), r::toString);
    }

    @Test
    void unknownArgumentsPrintTheUsage() throws Exception {
        for (String[] args : new String[][] {{"bogus"}, {"123", "interval=1s", "extra"}, {"-12"}, {"--help", "x"}}) {
            Result r = cli(args);
            assertEquals(2, r.exitCode(), r::toString);
            assertTrue(r.stderr().startsWith("usage: "), r::toString);
        }
    }

    @Test
    void helpPrintsTheUsageOnStdout() throws Exception {
        Result r = cli("--help");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().startsWith("usage: "), r::toString);
        assertEquals("", r.stderr(), r::toString);
    }

    @Test
    void summaryOfAMissingFileFails() throws Exception {
        Result r = cli("summary", dir.resolve("missing.jfr").toString());
        assertTrue(r.exitCode() != 0, r::toString);
        assertTrue(r.stderr().startsWith("dirtypages: "), r::toString);
    }

    @Test
    void reportOfSomethingThatIsNotARecordingIsOneLine() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("not.jfr"), "not a recording");
        Result r = cli("report", file.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("dirtypages: " + file + " is not a JFR recording (it does not start as one)", r.stderr().trim(),
                r::toString);
    }

    @Test
    void probeReportsWhatThisMachineCanDo() throws Exception {
        Result r = cli("probe");
        boolean required = Boolean.getBoolean("dirtypages.requireKernelFeatures");
        assertTrue(r.stdout().contains("PAGEMAP_SCAN: "), r::toString);
        assertTrue(r.stdout().contains("write tracking: "), r::toString);
        if (required) {
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.stdout().contains("write tracking: available"), r::toString);
        } else {
            assertEquals(r.stdout().contains("write tracking: available") ? 0 : 1, r.exitCode(), r::toString);
        }
    }
}
