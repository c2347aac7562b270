package dev.dirtypages.agent.hostsafety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testapp.ExitPaths;
import dev.dirtypages.agent.testapp.SpawnChildren;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.ChildJvm.Result;
import dev.dirtypages.agent.testing.ChildJvm.Running;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * However the JVM ends, the agent neither holds it up nor loses the last interval where the JVM lets it be
 * written: System.exit from another thread and SIGTERM flush it (the interval is an hour, so only the
 * final flush can report the writes); Runtime.halt runs no hook at all and must simply not hang. An exit
 * while the agent is still starting is quiet. Children started with ProcessBuilder inherit none of the
 * agent's descriptors (they are close-on-exec).
 */
@EnabledIfUserfaultfd
class ShutdownIT {
    /** From the last write to the process gone: the JVM's own exit, JFR's dump and the agent's last scan. */
    static final long PROMPT_NANOS = 10_000_000_000L;

    @TempDir
    Path dir;

    private Running start(String mode, Path jfr) throws Exception {
        return ChildJvm.in(dir).args("-XX:+UseG1GC", "-XX:-UseCompressedOops", "-Xms256m", "-Xmx256m")
                .agent("interval=1h,maxranges=1000000" + (jfr == null ? "" : ",file=" + jfr))
                .args("-cp", ChildJvm.testClasses().toString(), ExitPaths.class.getName(), mode)
                .start();
    }

    @Test
    void systemExitFromAnotherThreadFlushesTheLastInterval() throws Exception {
        Path jfr = dir.resolve("exit.jfr");
        Result r = start("exit-thread", jfr).await(ChildJvm.TIMEOUT);
        long ended = epochNanos();
        assertEquals(5, r.exitCode(), r::toString);
        assertPrompt(r, ended);
        assertLastWritesRecorded(r, jfr);
    }

    @Test
    void sigtermFlushesTheLastInterval() throws Exception {
        Path jfr = dir.resolve("term.jfr");
        Running app = start("sleep", jfr);
        app.awaitLine("WROTE ", Duration.ofSeconds(60));
        app.terminate();
        Result r = app.await(ChildJvm.TIMEOUT);
        long ended = epochNanos();
        assertEquals(143, r.exitCode(), "SIGTERM: 128 + 15\n" + r);
        assertPrompt(r, ended);
        assertLastWritesRecorded(r, jfr);
    }

    @Test
    void runtimeHaltEndsAtOnce() throws Exception {
        Result r = start("halt", dir.resolve("halt.jfr")).await(ChildJvm.TIMEOUT);
        long ended = epochNanos();
        assertEquals(6, r.exitCode(), r::toString);
        assertPrompt(r, ended);
        // Runtime.halt runs no shutdown hook: neither JFR nor the agent can write anything; nothing to check.
    }

    @Test
    void exitingWhileTheAgentStartsIsQuiet() throws Exception {
        // The agent takes some hundreds of milliseconds to start (JNA, the probe, VM.info): exit before, during
        // and after.
        for (long millis : new long[] {0, 150, 300, 400, 500, 600, 700, 900}) {
            // log=warn: the agent's info lines are not wanted here, any warning or error is.
            Result r = ChildJvm.in(dir).agent("log=warn,file=" + dir.resolve("early-" + millis + ".jfr"))
                    .args("-cp", ChildJvm.testClasses().toString(), ExitPaths.class.getName(), "exit-now",
                            Long.toString(millis))
                    .run();
            assertEquals(4, r.exitCode(), r::toString);
            assertEquals("exiting", r.stdout().trim(), r::toString);
            assertEquals("", r.stderr(), "exit after " + millis + " ms\n" + r);
        }
    }

    @Test
    void childProcessesInheritNoDescriptorOfTheAgent() throws Exception {
        Result r = ChildJvm.in(dir).agent("interval=50ms")
                .args("-cp", ChildJvm.testClasses().toString(), SpawnChildren.class.getName()).run();
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("tracking", r.stdout().lines().filter(l -> l.startsWith("STATE ")).findFirst().orElseThrow()
                .substring(6), r::toString);
        // The parent holds the agent's descriptors...
        List<String> self = lines(r, "SELF ");
        assertTrue(self.contains("anon_inode:[userfaultfd]"), "the agent's userfaultfd\n" + r);
        assertTrue(self.stream().anyMatch(t -> t.endsWith("/pagemap")), "the agent's pagemap\n" + r);
        // ...its children none of them, and they run as ever.
        for (String which : List.of("shell", "jvm")) {
            List<String> child = lines(r, "CHILD " + which + " ");
            assertFalse(child.isEmpty(), r::toString);
            assertTrue(child.stream().noneMatch(t -> t.contains("userfaultfd") || t.endsWith("/pagemap")),
                    which + " inherited a descriptor of the agent: " + child);
        }
        assertEquals(List.of("8"), lines(r, "EXIT shell "), r::toString);
        assertEquals(List.of("9"), lines(r, "EXIT jvm "), r::toString);
    }

    private static List<String> lines(Result r, String prefix) {
        return r.stdout().lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .collect(Collectors.toList());
    }

    private static void assertPrompt(Result r, long endedNanos) {
        long wrote = Long.parseLong(lines(r, "WROTE ").get(0).split(" ")[0]);
        assertTrue(endedNanos - wrote < PROMPT_NANOS, String.format("%.1f s from the last write to the end%n%s",
                (endedNanos - wrote) / 1e9, r));
    }

    /** Every page written just before the end is in the recording, reported by a scan at the end. */
    private static void assertLastWritesRecorded(Result r, Path jfr) throws Exception {
        String[] block = lines(r, "BLOCK ").get(0).split(" ");
        long firstPage = Long.parseLong(block[0]);
        long end = firstPage + Long.parseLong(block[1]) * 4096;
        String[] wrote = lines(r, "WROTE ").get(0).split(" ");
        Set<Integer> written = new TreeSet<>();
        for (int i = 1; i < wrote.length; i++) {
            written.add(Integer.parseInt(wrote[i]));
        }
        Set<Integer> reported = new TreeSet<>();
        Recordings.scans(jfr, firstPage, end).forEach(s -> reported.addAll(s.pages()));
        assertTrue(reported.containsAll(written), "the last interval was not flushed: "
                + written.stream().filter(p -> !reported.contains(p)).count() + " of " + written.size()
                + " pages missing\n" + r);
        List<RecordedEvent> scans = Recordings.events(jfr, "dirtypages.Scan");
        assertTrue(scans.stream().noneMatch(e -> e.getString("trigger").equals("timer")),
                "an hour's interval, yet a timer scan: the test would not show the final flush");
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
