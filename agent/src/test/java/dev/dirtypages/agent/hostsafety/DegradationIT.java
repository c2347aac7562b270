package dev.dirtypages.agent.hostsafety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.ChildJvm.Result;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.agent.testing.SeccompLauncher;
import dev.dirtypages.agent.testing.SeccompLauncher.Deny;
import dev.dirtypages.agent.testapp.HostApp;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent where the kernel features it needs are missing, each failure built for real around the child
 * JVM: a seccomp filter that refuses userfaultfd (EPERM, as Docker's default profile does) or the
 * PAGEMAP_SCAN ioctl (ENOTTY, as on a kernel older than 6.7), and an unprivileged user to whom
 * /dev/userfaultfd is closed. Each time: one line naming cause and fix, an AgentStatus event saying
 * tracking is off, and the application's output and exit code exactly as without the agent.
 *
 * <p>No read-only mode is offered where write-protection is missing (see docs/failure-modes.md): a
 * recording then holds no Scan or DirtyRange event at all, which the tests check too.
 */
@EnabledIfUserfaultfd
class DegradationIT {
    @TempDir
    Path dir;

    @Test
    void userfaultfdDeniedAsInADockerContainerLeavesOneLineAndTheAppUnharmed() throws Exception {
        assumeTrue(SeccompLauncher.deviceClosedToOthers(), "/dev/userfaultfd is absent or open to every user");
        List<String> launcher = new ArrayList<>(SeccompLauncher.asNobody());
        launcher.addAll(SeccompLauncher.denying(Deny.USERFAULTFD));
        Runs runs = runBoth(launcher, true);

        String line = runs.onlyAgentLine();
        assertTrue(line.startsWith("dirtypages: write tracking is off, the application runs on: userfaultfd: "), line);
        assertMentions(line, "denied (EPERM)", "seccomp", "/dev/userfaultfd is not accessible to user nobody",
                "; fix: ", "--security-opt seccomp=", "setfacl -m u:nobody:rw /dev/userfaultfd");
        runs.assertStatus("off", "userfaultfd: ", "unavailable");
        runs.assertNoScans();
    }

    @Test
    void userfaultfdSystemCallDeniedFallsBackToTheDevice() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/dev/userfaultfd")), "no /dev/userfaultfd this process can open");
        Runs runs = runBoth(SeccompLauncher.denying(Deny.USERFAULTFD), false);

        assertTrue(runs.with.stderrLines("userfaultfd from /dev/userfaultfd (the userfaultfd system call is refused "
                + "here)").size() == 1, runs.with::toString);
        assertTrue(runs.with.stderrLines("dirtypages: tracking java-heap").size() == 1, runs.with::toString);
        runs.assertStatus("tracking", null, "via /dev/userfaultfd");
        assertFalse(Recordings.events(runs.jfr, "dirtypages.Scan").isEmpty(), "tracking, yet no scan");
    }

    @Test
    void aClosedDeviceDoesNotMatterWhileTheSystemCallIsAllowed() throws Exception {
        Runs runs = runBoth(SeccompLauncher.asNobody(), true);

        assertTrue(runs.with.stderrLines("dirtypages: tracking java-heap").size() == 1, runs.with::toString);
        runs.assertStatus("tracking", null, "via the system call");
    }

    @Test
    void pagemapScanRefusedLeavesOneLineAndTheAppUnharmed() throws Exception {
        Runs runs = runBoth(SeccompLauncher.denying(Deny.PAGEMAP_SCAN), false);

        String line = runs.onlyAgentLine();
        assertTrue(line.startsWith("dirtypages: write tracking is off, the application runs on: PAGEMAP_SCAN: "), line);
        assertMentions(line, "refused (ENOTTY)", "seccomp", "; fix: ", "0xc0606610");
        assertFalse(line.contains("userfaultfd:"), "userfaultfd itself works here: " + line);
        runs.assertStatus("off", "PAGEMAP_SCAN: ", "PAGEMAP_SCAN no");
        runs.assertNoScans();
    }

    @Test
    void bothRefusedNamesBoth() throws Exception {
        assumeTrue(SeccompLauncher.deviceClosedToOthers(), "/dev/userfaultfd is absent or open to every user");
        List<String> launcher = new ArrayList<>(SeccompLauncher.asNobody());
        launcher.addAll(SeccompLauncher.denying(Deny.USERFAULTFD, Deny.PAGEMAP_SCAN));
        Runs runs = runBoth(launcher, true);

        String line = runs.onlyAgentLine();
        assertMentions(line, "userfaultfd: ", "EPERM", "PAGEMAP_SCAN: ", "ENOTTY");
        runs.assertStatus("off", "PAGEMAP_SCAN: ", "PAGEMAP_SCAN no");
        runs.assertNoScans();
    }

    @Test
    void aHeapThatCannotBeTrackedAloneRunsNoTimer() throws Exception {
        // ZGC's heap is not supported; with regions=heap there is nothing else to track.
        Path jfr = dir.resolve("zgc.jfr");
        Result with = ChildJvm.in(dir).args("-XX:+UseZGC", "-Xmx256m")
                .agent("regions=heap,interval=50ms,file=" + jfr)
                .args("-cp", ChildJvm.testClasses().toString(), HostApp.class.getName()).run();

        assertEquals(7, with.exitCode(), with::toString);
        assertEquals(1, with.stderrLines("dirtypages: nothing is tracked (").size(), with::toString);
        assertTrue(with.stderrLines("scanning every").isEmpty(), with::toString);
        assertFalse(with.stderr().contains("Exception") || with.stderr().contains("\tat "), "a stack trace\n" + with);
        Runs runs = new Runs(null, with, jfr);
        runs.assertNoScans();
        List<RecordedEvent> status = Recordings.events(jfr, "dirtypages.AgentStatus");
        assertTrue(status.stream().anyMatch(e -> e.getString("state").equals("off")
                && e.getString("problems").contains("ZGC")), status.toString());
    }

    /** The same launcher without and with the agent. */
    private final class Runs {
        final Result without;
        final Result with;
        final Path jfr;

        Runs(Result without, Result with, Path jfr) {
            this.without = without;
            this.with = with;
            this.jfr = jfr;
        }

        String onlyAgentLine() {
            List<String> lines = with.stderr().lines().filter(l -> l.startsWith("dirtypages:")).collect(Collectors.toList());
            assertEquals(1, lines.size(), "one line from the agent\n" + with);
            return lines.get(0);
        }

        void assertStatus(String state, String problem, String kernel) throws IOException {
            List<RecordedEvent> status = new ArrayList<>(Recordings.events(jfr, "dirtypages.AgentStatus"));
            status.sort(java.util.Comparator.comparing(RecordedEvent::getStartTime)); // file order is not time order
            assertFalse(status.isEmpty(), "no AgentStatus event in " + jfr + "\n" + with);
            // The agent's own recording starts while the agent starts: its first event may say so.
            RecordedEvent last = status.get(status.size() - 1);
            assertEquals(state, last.getString("state"), last.toString());
            for (RecordedEvent e : status) {
                if (e != last && e.getString("state").equals("starting")) {
                    continue;
                }
                assertEquals(state, e.getString("state"), e.toString());
                if (problem == null) {
                    assertEquals("", e.getString("problems"), e.toString());
                } else {
                    assertTrue(e.getString("problems").contains(problem) && e.getString("problems").contains("; fix: "),
                            e.toString());
                }
                assertTrue(e.getString("kernel").contains(kernel), e.toString());
            }
        }

        /** No read-only mode: without write-protection nothing is scanned at all. */
        void assertNoScans() throws IOException {
            assertEquals(List.of(), Recordings.events(jfr, "dirtypages.Scan"));
            assertEquals(List.of(), Recordings.events(jfr, "dirtypages.DirtyRange"));
            assertEquals(List.of(), Recordings.events(jfr, "dirtypages.RegionTracked"));
        }
    }

    /**
     * Runs {@link HostApp} through {@code launcher} without the agent and with it (recording to a file), and
     * checks that the application's output and exit code are the same. With {@code copyForOthers}, the
     * agent jar and the app's classes are copied into the (opened) work directory first, so that another
     * user can read them wherever the build lies.
     */
    private Runs runBoth(List<String> launcher, boolean copyForOthers) throws Exception {
        Path work = SeccompLauncher.openToAll(dir);
        Path agentJar = ChildJvm.agentJar();
        Path classes = ChildJvm.testClasses();
        if (copyForOthers) {
            agentJar = Files.copy(agentJar, work.resolve("dirtypages-agent.jar"), StandardCopyOption.REPLACE_EXISTING);
            classes = copyTestApps(work.resolve("classes"));
        }
        Path jfr = work.resolve("status.jfr");
        Result without = ChildJvm.in(work).launchedBy(launcher)
                .args("-Xmx256m", "-cp", classes.toString(), HostApp.class.getName()).run();
        Result with = ChildJvm.in(work).launchedBy(launcher)
                .args("-Xmx256m", "-javaagent:" + agentJar + "=interval=50ms,file=" + jfr)
                .args("-cp", classes.toString(), HostApp.class.getName()).run();

        assertEquals(7, without.exitCode(), without::toString);
        assertEquals(without.exitCode(), with.exitCode(), with::toString);
        assertEquals(without.stdout(), with.stdout(), with::toString);
        assertEquals(without.stderr().lines().collect(Collectors.toList()),
                with.stderr().lines().filter(l -> !l.startsWith("dirtypages:")).collect(Collectors.toList()),
                with::toString);
        assertFalse(with.stderr().contains("Exception") || with.stderr().contains("\tat "), "a stack trace\n" + with);
        assertTrue(Files.exists(jfr), "the agent's recording was not written\n" + with);
        return new Runs(without, with, jfr);
    }

    /** The test applications' classes, copied under {@code target} and opened to every user. */
    private static Path copyTestApps(Path target) throws IOException {
        Path from = ChildJvm.testClasses();
        Path pkg = Path.of("dev", "dirtypages", "agent", "testapp");
        Files.createDirectories(target.resolve(pkg));
        try (var files = Files.list(from.resolve(pkg))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, target.resolve(pkg).resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (var all = Files.walk(target)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return target;
    }

    private static void assertMentions(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), "\"" + part + "\" missing from: " + text);
        }
    }
}
