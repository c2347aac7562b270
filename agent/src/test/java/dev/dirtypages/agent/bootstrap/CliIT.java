package dev.dirtypages.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.ChildJvm.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar dirtypages-agent.jar} with wrong arguments: the usage and exit code 2. */
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
}
