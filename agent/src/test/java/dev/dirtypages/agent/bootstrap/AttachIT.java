package dev.dirtypages.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.ChildJvm.Result;
import dev.dirtypages.agent.testing.ChildJvm.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar dirtypages-agent.jar <pid> [options]}: the agent attached to a running JVM. */
class AttachIT {
    private static final String DYNAMIC_AGENT_WARNING = "WARNING: A Java agent has been loaded dynamically";

    @TempDir
    Path dir;

    /**
     * Starts an application that waits for the agent, with its own JNA loaded first; it exits once the agent
     * started and {@code release} exists.
     */
    private Running startWaitingApp(boolean allowDynamicAgents, Path release) throws Exception {
        List<String> jvmArgs = new ArrayList<>(List.of("-Xmx256m"));
        if (allowDynamicAgents && ChildJvm.javaFeature() >= 21) {
            jvmArgs.add("-XX:+EnableDynamicAgentLoading");
        }
        if (ChildJvm.javaFeature() >= 24) {
            jvmArgs.add("--enable-native-access=ALL-UNNAMED"); // for the application's own JNA
        }
        Running app = ChildJvm.in(dir).args(jvmArgs.toArray(new String[0]))
                .args("-cp", ChildJvm.classPath(ChildJvm.testClasses(), ChildJvm.existing("dirtypages.it.jna")),
                        ChildApps.WaitForAgent.class.getName(), "60", "jna", release.toString())
                .start();
        app.awaitLine("ready", Duration.ofSeconds(30));
        return app;
    }

    private Result attach(long pid, String... more) throws Exception {
        return ChildJvm.in(dir).args("-jar", ChildJvm.agentJar().toString(), Long.toString(pid)).args(more).run();
    }

    @Test
    void attachesToARunningJvm() throws Exception {
        Running app = startWaitingApp(true, Files.createFile(dir.resolve("release")));
        try {
            Result attach = attach(app.pid(), "interval=200ms");
            assertEquals(0, attach.exitCode(), attach::toString);
            assertTrue(attach.stdout().contains("agent loaded into JVM " + app.pid()), attach::toString);
            assertTrue(attach.warnings().isEmpty(), attach::toString);

            Result r = app.await(ChildJvm.TIMEOUT);
            assertEquals(0, r.exitCode(), r::toString);
            ChildJvm.assertAgentStarted(r);
            // The application loaded its JNA first, the agent its own afterwards: two copies.
            assertEquals("2", r.value("jnaLibraries"), r::toString);
            assertTrue(r.warnings().isEmpty(), r::toString);
            assertTrue(r.stderrLines("agent not started").isEmpty(), r::toString);
        } finally {
            app.kill();
        }
    }

    @Test
    void withoutEnableDynamicAgentLoadingTheOnlyWarningsAreTheJvmsOwn() throws Exception {
        assumeTrue(ChildJvm.javaFeature() >= 21, "JEP 451 (JDK 21+)");
        Running app = startWaitingApp(false, Files.createFile(dir.resolve("release")));
        try {
            Result attach = attach(app.pid());
            assertEquals(0, attach.exitCode(), attach::toString);
            Result r = app.await(ChildJvm.TIMEOUT);
            ChildJvm.assertAgentStarted(r);
            // JEP 451: the JVM itself warns about any agent loaded into a running JVM unless the user ran it
            // with -XX:+EnableDynamicAgentLoading; no agent can (or should) hide that. Nothing else warns.
            List<String> warnings = r.warnings();
            assertTrue(warnings.get(0).startsWith(DYNAMIC_AGENT_WARNING), r::toString);
            assertEquals(List.of(), warnings.stream()
                    .filter(l -> !l.contains("dynamic") && !l.contains("Dynamic") && !l.contains("jdk.instrument.traceUsage"))
                    .collect(Collectors.toList()), r::toString);
        } finally {
            app.kill();
        }
    }

    @Test
    void attachingTwiceChangesNothing() throws Exception {
        Path release = dir.resolve("release");
        Running app = startWaitingApp(true, release);
        try {
            assertEquals(0, attach(app.pid()).exitCode());
            app.awaitLine("agentState=", ChildJvm.TIMEOUT);
            Result second = attach(app.pid());
            assertEquals(0, second.exitCode(), second::toString);
            Files.createFile(release);
            Result r = app.await(ChildJvm.TIMEOUT);
            ChildJvm.assertAgentStarted(r);
            assertEquals(1, r.stderrLines("already running").size(), r::toString);
            assertEquals("2", r.value("jnaLibraries"), r::toString);
        } finally {
            app.kill();
        }
    }

    @Test
    void attachingToNoJvmFailsWithOneLine() throws Exception {
        Result r = attach(2_000_000_000L);
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().startsWith("dirtypages: cannot attach to 2000000000: "), r::toString);
        assertEquals(1, r.stderr().lines().count(), r::toString);
    }
}
