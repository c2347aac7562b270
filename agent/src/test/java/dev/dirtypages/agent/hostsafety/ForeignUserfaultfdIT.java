package dev.dirtypages.agent.hostsafety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testapp.OwnUserfaultfd;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.ChildJvm.Result;
import dev.dirtypages.agent.testing.ChildJvm.Running;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application that tracks part of its own heap with its own userfaultfd before the agent is attached
 * (EBUSY for the agent's registration): the agent registers the rest of the heap around it, says so in one
 * line, reports state "reduced", never scans the application's part (its own scan there still sees exactly
 * its writes) and reports the writes elsewhere as ever.
 */
@EnabledIfUserfaultfd
class ForeignUserfaultfdIT {
    @TempDir
    Path dir;

    @Test
    void theAgentTracksAroundMemoryTheApplicationTracksItself() throws Exception {
        List<String> jvm = new ArrayList<>(List.of("-XX:+UseG1GC", "-XX:-UseCompressedOops", "-Xms256m", "-Xmx256m"));
        if (ChildJvm.javaFeature() >= 21) {
            jvm.add("-XX:+EnableDynamicAgentLoading");
        }
        if (ChildJvm.javaFeature() >= 24) {
            jvm.add("--enable-native-access=ALL-UNNAMED"); // the application's own JNA
        }
        Running app = ChildJvm.in(dir).args(jvm.toArray(new String[0]))
                .args("-cp", ChildJvm.classPath(ChildJvm.testClasses(), ChildJvm.existing("dirtypages.it.jna")),
                        OwnUserfaultfd.class.getName())
                .start();
        Path jfr = dir.resolve("foreign.jfr");
        Result r;
        try {
            app.awaitLine("OWNED ", Duration.ofSeconds(30));
            Result attach = ChildJvm.in(dir).args("-jar", ChildJvm.agentJar().toString(), Long.toString(app.pid()),
                    "interval=20ms,regions=heap,maxranges=1000000,file=" + jfr).run();
            assertEquals(0, attach.exitCode(), attach::toString);
            r = app.await(ChildJvm.TIMEOUT);
        } finally {
            app.kill();
        }
        assertEquals(0, r.exitCode(), r::toString);
        assertFalse(r.stdout().contains("MOVED"), "the array moved: the ground truth is void\n" + r);
        assertEquals("reduced", r.value("agentState"), r::toString);

        String[] owned = field(r, "OWNED").split(" ");
        long ownedStart = Long.parseLong(owned[0]);
        long ownedEnd = Long.parseLong(owned[1]);
        String[] block = field(r, "BLOCK").split(" ");
        long firstPage = Long.parseLong(block[0]);

        // One line, naming the part and what happens to it.
        List<String> lines = r.stderrLines("dirtypages: not tracking");
        assertEquals(1, lines.size(), r::toString);
        assertEquals(String.format("dirtypages: not tracking 4 MiB at [0x%x, 0x%x) of the heap: another userfaultfd (the "
                + "application's own or another tool's) registered it first; dirtypages leaves it to its owner and "
                + "reports no writes there", ownedStart, ownedEnd), lines.get(0));
        assertTrue(r.stderrLines("dirtypages:").stream().noneMatch(l -> l.contains("failed") || l.contains("EBUSY")),
                r::toString);

        // The application's own tracking was left alone: it sees exactly what it wrote, many agent scans later.
        assertEquals("true", field(r, "OWN_OK"), r::toString);

        // The agent tracked the heap around the part, scanned, and never named the part.
        List<RecordedEvent> tracked = Recordings.events(jfr, "dirtypages.RegionTracked");
        assertEquals(2, tracked.size(), tracked::toString);
        for (RecordedEvent e : tracked) {
            assertFalse(overlaps(e, ownedStart, ownedEnd), e.toString());
            assertTrue(e.getString("reason").contains("around 4 MiB at"), e.toString());
        }
        List<RecordedEvent> ranges = Recordings.events(jfr, "dirtypages.DirtyRange");
        assertTrue(ranges.stream().noneMatch(e -> overlaps(e, ownedStart, ownedEnd)),
                "a DirtyRange inside the application's own part");
        Set<Integer> reported = new TreeSet<>();
        for (RecordedEvent e : ranges) {
            for (long p = e.getLong("startAddress"); p < e.getLong("endAddress"); p += 4096) {
                reported.add((int) ((p - firstPage) / 4096));
            }
        }
        Set<Integer> other = pages(field(r, "WROTE_OTHER"));
        assertEquals(40, other.size());
        assertTrue(reported.containsAll(other), "pages written outside the part were missed: "
                + other.stream().filter(p -> !reported.contains(p)).collect(Collectors.toList()));

        List<RecordedEvent> status = new ArrayList<>(Recordings.events(jfr, "dirtypages.AgentStatus"));
        status.sort(java.util.Comparator.comparing(RecordedEvent::getStartTime));
        RecordedEvent last = status.get(status.size() - 1);
        assertEquals("reduced", last.getString("state"), last.toString());
        assertTrue(last.getString("problems").startsWith(String.format("java-heap: 4 MiB at [0x%x, 0x%x) is registered "
                + "with another userfaultfd", ownedStart, ownedEnd)), last.toString());
        assertEquals(2, last.getInt("regions"), last.toString());
        assertEquals(256L * 1024 * 1024 - (ownedEnd - ownedStart), last.getLong("trackedBytes"), last.toString());
    }

    /** The rest of the first stdout line that starts with {@code key} and a space. */
    private static String field(Result r, String key) {
        return r.stdout().lines().filter(l -> l.startsWith(key + " ")).map(l -> l.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no line '" + key + " ...'\n" + r));
    }

    private static boolean overlaps(RecordedEvent e, long start, long end) {
        return e.getLong("startAddress") < end && e.getLong("endAddress") > start;
    }

    private static Set<Integer> pages(String list) {
        Set<Integer> out = new TreeSet<>();
        for (String p : list.trim().split(" ")) {
            out.add(Integer.parseInt(p));
        }
        return out;
    }
}
