package dev.dirtypages.agent.hostsafety;

import dev.dirtypages.agent.testing.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.options.Option;
import dev.dirtypages.agent.testapp.AwaitRelease;
import dev.dirtypages.agent.testapp.HostApp;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.ChildJvm.Result;
import dev.dirtypages.agent.testing.ChildJvm.Running;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.agent.testing.SeccompLauncher;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input in child JVMs: every malformed option gives clear lines (the option, what is valid) and no
 * stack trace, the agent does not start, and the application runs as without it; a second attach with
 * other options changes nothing; a bad attach leaves nothing behind.
 */
@EnabledIfUserfaultfd
class BadInputIT {
    @TempDir
    Path dir;

    /** Each bad option string, with a word its message must contain. */
    private List<String[]> badOptions() {
        return List.of(
                new String[] {"bogus=1", "unknown option 'bogus'"},
                new String[] {"intervall=1s", "unknown option 'intervall'"},
                new String[] {"interval", "is not key=value"},
                new String[] {"=1s", "is not key=value"},
                new String[] {",", "empty option"},
                new String[] {"interval=1s,", "empty option"},
                new String[] {"interval=", "interval=: expected a whole number with a unit"},
                new String[] {"interval=0ms", "must be between 10ms and 1h"},
                new String[] {"interval=-5ms", "expected a whole number with a unit"},
                new String[] {"interval=5ms", "must be between 10ms and 1h"},
                new String[] {"interval=2h", "must be between 10ms and 1h"},
                new String[] {"interval=99999999999999999999h", "must be between 10ms and 1h"},
                new String[] {"interval=1.5s", "expected a whole number with a unit"},
                new String[] {"interval=1s,interval=2s", "option 'interval' is given more than once"},
                new String[] {"INTERVAL=1s,interval=2s", "option 'interval' is given more than once"},
                new String[] {"regions=+", "unknown region kind ''"},
                new String[] {"regions=heap+stack", "unknown region kind 'stack'"},
                new String[] {"file=", "needs a path to a .jfr file"},
                new String[] {"file=" + dir, "is a directory"},
                new String[] {"file=" + dir.resolve("no/such/dir/x.jfr"), "does not exist"},
                new String[] {"file=/proc/dirtypages-x.jfr", "cannot be written by this process"},
                new String[] {"file=/dev/null", "not a regular file"},
                new String[] {"log=verbose", "expected off, error, warn, info or debug"},
                new String[] {"log=", "expected off, error, warn, info or debug"},
                new String[] {"maxranges=-1", "expected a whole number from 0 to 1000000"},
                new String[] {"maxranges=1e6", "expected a whole number from 0 to 1000000"},
                new String[] {"maxranges=99999999999999999999", "expected a whole number from 0 to 1000000"},
                new String[] {"merge=-1", "expected a size in bytes"},
                new String[] {"merge=64kb", "expected a size in bytes"},
                new String[] {"merge=2000g", "must be at most 1t"},
                new String[] {"log=off,bogus=1", "unknown option 'bogus'"});
    }

    @Test
    void everyMalformedOptionIsNamedAndTheApplicationRunsOn() throws Exception {
        List<String[]> bad = badOptions();
        Result without = ChildJvm.in(dir).args("-Xmx256m", "-cp", ChildJvm.testClasses().toString(),
                HostApp.class.getName()).run();
        // Every bad load in one JVM (each -javaagent is parsed on its own), then a good one: it must start as if
        // the bad ones had never been.
        ChildJvm jvm = ChildJvm.in(dir).args("-Xmx256m");
        for (String[] b : bad) {
            jvm.agent(b[0]);
        }
        Result with = jvm.agent("interval=100ms").args("-cp", ChildJvm.testClasses().toString(),
                HostApp.class.getName()).run();

        assertEquals(7, without.exitCode(), without::toString);
        assertEquals(without.exitCode(), with.exitCode(), with::toString);
        assertEquals(without.stdout(), with.stdout(), with::toString);
        assertEquals(without.stderr().lines().collect(Collectors.toList()),
                with.stderr().lines().filter(l -> !l.startsWith("dirtypages:")).collect(Collectors.toList()),
                with::toString);
        assertFalse(with.stderr().contains("Exception") || with.stderr().contains("\tat "), "a stack trace\n" + with);

        // The agent's lines, load by load: each ends with "agent not started; valid options: ...".
        List<List<String>> loads = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : with.stderr().lines().filter(l -> l.startsWith("dirtypages:")).collect(Collectors.toList())) {
            current.add(line);
            if (line.startsWith("dirtypages: agent not started; valid options: " + Option.validKeys())) {
                loads.add(current);
                current = new ArrayList<>();
            }
        }
        assertEquals(bad.size(), loads.size(), with::toString);
        for (int i = 0; i < bad.size(); i++) {
            List<String> lines = loads.get(i);
            String said = String.join("\n", lines);
            assertEquals(2, lines.size(), "one line for the problem, one saying the agent did not start:\n" + said);
            assertTrue(said.contains(bad.get(i)[1]), "'" + bad.get(i)[0] + "' should say '" + bad.get(i)[1] + "':\n"
                    + said);
        }
        // The good load after them all.
        assertTrue(current.stream().anyMatch(l -> l.startsWith("dirtypages: tracking java-heap")), with::toString);
    }

    @Test
    void aFileTheUserCannotWriteIsRefusedUpFront() throws Exception {
        List<String> asNobody = SeccompLauncher.asNobody();
        SeccompLauncher.openToAll(dir);
        Path rootOnly = Files.createDirectories(dir.resolve("root-only"));
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path readOnly = Files.writeString(dir.resolve("read-only.jfr"), "");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--r--r--"));
        Path jar = Files.copy(ChildJvm.agentJar(), dir.resolve("agent.jar"), StandardCopyOption.REPLACE_EXISTING);
        Path classes = Files.createDirectories(dir.resolve("classes/dev/dirtypages/agent/testapp"));
        for (String c : List.of("HostApp.class", "KnownHeapWrites.class")) {
            Files.copy(ChildJvm.testClasses().resolve("dev/dirtypages/agent/testapp").resolve(c), classes.resolve(c));
        }
        try (var all = Files.walk(dir.resolve("classes"))) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                        : "rw-r--r--"));
            }
        }
        for (Path target : List.of(rootOnly.resolve("x.jfr"), readOnly)) {
            Result r = ChildJvm.in(dir).launchedBy(asNobody).args("-Xmx256m", "-javaagent:" + jar + "=file=" + target)
                    .args("-cp", dir.resolve("classes").toString(), HostApp.class.getName()).run();
            assertEquals(7, r.exitCode(), r::toString);
            List<String> lines = r.stderrLines("dirtypages:");
            assertEquals(List.of("dirtypages: option file=" + target + ": cannot be written by this process "
                    + "(permission denied)", "dirtypages: agent not started; valid options: " + Option.validKeys()
                    + " (see docs/options.md)"), lines, r::toString);
            assertTrue(r.stdout().contains("main checksum"), r::toString);
        }
    }

    @Test
    void aSecondAttachWithOtherOptionsChangesNothingAndABadOneLeavesNothing() throws Exception {
        Path release = dir.resolve("release");
        Path first = dir.resolve("first.jfr");
        Path second = dir.resolve("second.jfr");
        List<String> jvm = new ArrayList<>(List.of("-Xmx256m"));
        if (ChildJvm.javaFeature() >= 21) {
            jvm.add("-XX:+EnableDynamicAgentLoading");
        }
        Running app = ChildJvm.in(dir).args(jvm.toArray(new String[0]))
                .args("-cp", ChildJvm.testClasses().toString(), AwaitRelease.class.getName(), release.toString())
                .start();
        Result r;
        try {
            app.awaitLine("ready", Duration.ofSeconds(30));
            assertEquals(0, attach(app, "interval=50ms,bogus=1").exitCode());
            assertEquals(0, attach(app, "interval=200ms,regions=heap,file=" + first).exitCode());
            awaitStderr(app, "dirtypages: scanning every 200ms");
            assertEquals(0, attach(app, "interval=10ms,file=" + second + ",log=debug").exitCode());
            awaitStderr(app, "already running");
            Files.createFile(release);
            r = app.await(ChildJvm.TIMEOUT);
        } finally {
            app.kill();
        }
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("tracking", r.value("agentState"), r::toString);
        List<String> lines = r.stderr().lines().filter(l -> l.startsWith("dirtypages:")).collect(Collectors.toList());
        assertEquals("dirtypages: unknown option 'bogus' (valid options: " + Option.validKeys() + ")", lines.get(0),
                r::toString);
        assertTrue(lines.get(1).startsWith("dirtypages: agent not started"), r::toString);
        assertEquals(1, r.stderrLines("already running").size(), r::toString);
        String again = r.stderrLines("already running").get(0);
        assertTrue(again.startsWith("dirtypages: already running in this JVM with interval=200ms,regions=heap,file=" + first
                + ",") && again.endsWith("; this attach changes nothing"), again);
        assertFalse(Files.exists(second), "the second attach's recording was started");
        List<RecordedEvent> status = Recordings.events(first, "dirtypages.AgentStatus");
        assertFalse(status.isEmpty());
        assertTrue(status.stream().allMatch(e -> e.getString("options").startsWith("interval=200ms,")), status::toString);
    }

    private Result attach(Running app, String options) throws Exception {
        return ChildJvm.in(dir).args("-jar", ChildJvm.agentJar().toString(), Long.toString(app.pid()), options).run();
    }

    private static void awaitStderr(Running app, String text) throws Exception {
        Await.until(Duration.ofSeconds(30), () -> app.stderr().contains(text),
                () -> "no '" + text + "' on the child's stderr:\n" + app.describe());
    }
}
