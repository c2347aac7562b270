package dev.dirtypages.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.ChildJvm.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent causes no JVM warning the user did not ask for: JDK 24+ warns when code without native access
 * loads a JNI library (JEP 472) and when sun.misc.Unsafe's memory-access methods are first used (JEP 498).
 * Each test first checks that the agent did load its JNA (the step that would warn), so that a quiet
 * stderr means something. On JDK 17 they run too, and the same must hold.
 */
class NoWarningsIT {
    @TempDir
    Path dir;

    private ChildJvm jnaMappings(String... jvmArgs) {
        return ChildJvm.in(dir).args("-Xmx256m").args(jvmArgs);
    }

    private static void assertNoWarning(Result r) {
        assertTrue(r.warnings().isEmpty(), r::toString);
        assertTrue(r.stderrLines("agent not started").isEmpty(), r::toString);
    }

    @Test
    void loadingTheAgentPrintsNoWarning() throws Exception {
        // The agent loads JNA on its start thread, after premain: wait for it before counting.
        Result r = jnaMappings().agent(null)
                .args("-cp", ChildJvm.testClasses().toString(), ChildApps.JnaMappings.class.getName(), "await", "0")
                .run();

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("1", r.value("jnaLibraries"), "the agent's JNA is loaded\n" + r);
        assertNoWarning(r);
    }

    @Test
    void recordingAndSummarizingPrintNoWarning() throws Exception {
        Path recording = dir.resolve("app.jfr");
        Result run = jnaMappings().agent("interval=100ms,file=" + recording)
                .args("-cp", ChildJvm.testClasses().toString(), ChildApps.JnaMappings.class.getName(), "await", "500")
                .run();
        assertEquals(0, run.exitCode(), run::toString);
        ChildJvm.assertAgentStarted(run);
        assertNoWarning(run);
        assertTrue(Files.size(recording) > 0, run::toString);

        Result summary = ChildJvm.in(dir).args("-jar", ChildJvm.agentJar().toString(), "summary", recording.toString())
                .run();
        assertEquals(0, summary.exitCode(), summary::toString);
        assertTrue(summary.stdout().contains("dirtypages"), summary::toString);
        assertTrue(summary.warnings().isEmpty(), summary::toString);
    }

    @Test
    void theAgentHasNativeAccessEvenWhereTheUserDeniesItToEverythingElse() throws Exception {
        assumeTrue(ChildJvm.javaFeature() >= 24, "--illegal-native-access is JDK 24+");
        // Loading the agent with -javaagent is the user's consent; the agent's module alone gets native access.
        Result r = jnaMappings("--illegal-native-access=deny").agent(null)
                .args("-cp", ChildJvm.testClasses().toString(), ChildApps.JnaMappings.class.getName(), "await", "0")
                .run();

        assertEquals(0, r.exitCode(), r::toString);
        ChildJvm.assertAgentStarted(r);
        assertEquals("1", r.value("jnaLibraries"), r::toString);
        assertNoWarning(r);
        assertTrue(r.stderrLines("could not be probed").isEmpty(), r::toString);
    }

    @Test
    void theGcPauseLibraryLoadsWithoutWarningEvenWhereNativeAccessIsDenied() throws Exception {
        // System.load is restricted like JNA's loading: the agent's module has native access for it too.
        ChildJvm child = ChildJvm.javaFeature() >= 24 ? jnaMappings("--illegal-native-access=deny") : jnaMappings();
        // The pause scans start once the JDK's pause events stream (a second or so): the child stays 3 s.
        Result r = child.agent("gcepochs=true")
                .args("-cp", ChildJvm.testClasses().toString(), ChildApps.JnaMappings.class.getName(), "await", "3000")
                .run();

        assertEquals(0, r.exitCode(), r::toString);
        ChildJvm.assertAgentStarted(r);
        assertEquals(1, r.stderrLines("gcepochs: scanning").size(), "the GC-pause library loaded\n" + r);
        assertNoWarning(r);
    }

    @Test
    void unsafeMemoryAccessIsNotUsedByTheAgent() throws Exception {
        assumeTrue(ChildJvm.javaFeature() >= 23, "--sun-misc-unsafe-memory-access is JDK 23+");
        // deny turns the first use of a sun.misc.Unsafe memory-access method into an exception.
        Result r = jnaMappings("--sun-misc-unsafe-memory-access=deny").agent("interval=100ms")
                .args("-cp", ChildJvm.testClasses().toString(), ChildApps.JnaMappings.class.getName(), "await", "500")
                .run();

        assertEquals(0, r.exitCode(), r::toString);
        ChildJvm.assertAgentStarted(r);
        assertEquals("1", r.value("jnaLibraries"), r::toString);
        assertNoWarning(r);
        assertTrue(r.stderrLines("Unsafe").isEmpty(), r::toString);
    }
}
