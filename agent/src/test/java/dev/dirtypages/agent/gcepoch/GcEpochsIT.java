package dev.dirtypages.agent.gcepoch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GC epochs in a child JVM against ground truth ({@link dev.dirtypages.agent.testapp.GcEpochWrites}): between two
 * young collections the child writes known pages of a primitive array (the mutator's writes only) and points
 * known slots of an Object[] at fresh young objects (the collection moves them, so it rewrites those slots). The
 * scan at the collection's start must report both sets, the scan at its end the reference pages and no page of the
 * primitive array; every pause has both scans, joined by gcId to the JDK's own jdk.GarbageCollection.
 */
@EnabledIfUserfaultfd
class GcEpochsIT {
    private static final int ROUNDS = 2000;
    private static final int PAGES_PER_ROUND = 24;
    /** Rounds the agent must see: it starts off the main thread, a second or so after the child's first rounds. */
    private static final int MIN_COVERED = 20;
    @TempDir
    Path dir;

    private record Round(int n, long t0, long t1, long t2, Set<Integer> prim, Set<Integer> refs) {
    }

    private record Gc(long id, long start, String name) {
    }

    /**
     * When a scan ran, epoch nanoseconds: a Java scan ({@code scanId} its own), or a pause from its start scan to its
     * end scan ({@code scanId} its start scan's, {@code gcId} 0 when unjoined).
     */
    private record Window(long from, long to, long scanId, long gcId) {
    }

    /** What a check saw, beyond its assertions. */
    private record Checked(int covered, int interrupted, int withoutJdkPause) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseG1GC", "-XX:+UseParallelGC", "-XX:+UseSerialGC"})
    void startScansHoldTheMutatorsWritesAndEndScansTheCollectorsOnly(String collector) throws Exception {
        Path jfr = dir.resolve("epochs.jfr");
        // A small young generation: young collections come often. Under Parallel and Serial it is smaller than the
        // arrays, which are then allocated in the old generation; under G1 they are humongous.
        ChildJvm child = ChildJvm.in(dir).args(collector, "-XX:-UseCompressedOops", "-Xms512m", "-Xmx512m", "-Xmn16m");
        ChildJvm.Result run = child
                .agent("interval=1s,regions=heap,gcepochs=true,maxranges=1000000,file=" + jfr)
                .args("-cp", ChildJvm.testClasses().toString(), "dev.dirtypages.agent.testapp.GcEpochWrites",
                        String.valueOf(ROUNDS), String.valueOf(PAGES_PER_ROUND), "12")
                .run();
        checkAgainstGroundTruth(run, jfr, ROUNDS);
    }

    /**
     * A thread in and out of JNI critical regions all along holds collections off. On JDK 17 the GC locker then skips
     * requested collections, and HotSpot posts the JVMTI GC events around each such safepoint all the same: pause
     * windows with no JDK pause, whose start scans take the mutator's writes so far. No write is lost to them: every
     * round's pages are in its collection's start scan or in one of those before it.
     */
    @Test
    void pausesOfCollectionsTheGcLockerSkippedLoseNoWrite() throws Exception {
        Path jfr = dir.resolve("locker.jfr");
        ChildJvm child = ChildJvm.in(dir).args("-XX:+UseParallelGC", "-XX:-UseCompressedOops", "-Xms512m", "-Xmx512m",
                "-Xmn16m");
        ChildJvm.Result run = child
                .agent("interval=1s,regions=heap,gcepochs=true,maxranges=1000000,file=" + jfr)
                .args("-cp", ChildJvm.testClasses().toString(), "dev.dirtypages.agent.testapp.GcEpochWrites",
                        String.valueOf(ROUNDS), String.valueOf(PAGES_PER_ROUND), "14", "jni-critical")
                .run();
        Checked checked = checkAgainstGroundTruth(run, jfr, ROUNDS);
        if (ChildJvm.javaFeature() == 17) {
            // Measured on JDK 17: hundreds of such windows in a run. (JDK 25 makes the collection wait instead.)
            assertTrue(checked.withoutJdkPause() > 0, "no pause window without a JDK pause: " + checked);
        }
    }

    /**
     * Attached to a running JVM (the live phase), the agent gets the GC events too: the same checks, from the
     * first collection it scanned.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseG1GC", "-XX:+UseParallelGC"})
    void attachedToARunningJvmTheSameHolds(String collector) throws Exception {
        Path jfr = dir.resolve("attached.jfr");
        int rounds = 2 * ROUNDS;
        ChildJvm child = ChildJvm.in(dir).args(collector, "-XX:-UseCompressedOops", "-Xms512m", "-Xmx512m", "-Xmn16m");
        if (ChildJvm.javaFeature() >= 21) {
            child.args("-XX:+EnableDynamicAgentLoading");
        }
        ChildJvm.Running app = child.args("-cp", ChildJvm.testClasses().toString(),
                "dev.dirtypages.agent.testapp.GcEpochWrites", String.valueOf(rounds), String.valueOf(PAGES_PER_ROUND),
                "13").start();
        try {
            app.awaitLine("REFS", java.time.Duration.ofSeconds(30));
            ChildJvm.Result attach = ChildJvm.in(dir).args("-jar", ChildJvm.agentJar().toString(),
                    Long.toString(app.pid()), "interval=1s,regions=heap,gcepochs=true,maxranges=1000000,file=" + jfr).run();
            assertEquals(0, attach.exitCode(), attach.toString());
            checkAgainstGroundTruth(app.await(ChildJvm.TIMEOUT), jfr, rounds);
        } finally {
            app.kill();
        }
    }

    private Checked checkAgainstGroundTruth(ChildJvm.Result run, Path jfr, int roundCount) throws Exception {
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(run.stdout().contains("MOVED"), "an array moved: the ground truth is void\n" + run);
        assertTrue(run.stderrLines("gcepochs: scanning").size() == 1, "GC epochs did not start\n" + run);

        long primFirst = 0;
        long refsFirst = 0;
        int primPages = 0;
        int refsPages = 0;
        List<Round> rounds = new ArrayList<>();
        for (String line : run.stdout().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("PRIM")) {
                primFirst = Long.parseLong(f[1]);
                primPages = Integer.parseInt(f[2]);
            } else if (f[0].equals("REFS")) {
                refsFirst = Long.parseLong(f[1]);
                refsPages = Integer.parseInt(f[2]);
            } else if (f[0].equals("ROUND")) {
                rounds.add(new Round(Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                        pages(f[6]), pages(f[8])));
            }
        }
        assertEquals(roundCount, rounds.size(), run.toString());

        List<Recordings.Scan> primScans = Recordings.scans(jfr, primFirst, primFirst + primPages * 4096L);
        Map<Long, Set<Integer>> primByScan = byScan(primScans);
        Map<Long, Set<Integer>> refsByScan = byScan(Recordings.scans(jfr, refsFirst, refsFirst + refsPages * 4096L));
        Recordings.assertEveryRangeHasItsScan(jfr);
        // gcId -> scan ids of its gc-start and gc-end scans
        TreeMap<Long, List<Long>> startScans = new TreeMap<>();
        Map<Long, List<Long>> endScans = new TreeMap<>();
        int unjoinedStarts = 0;
        Set<Long> otherScans = new TreeSet<>();
        int unjoinedEnds = 0;
        List<RecordedEvent> scanEvents = Recordings.events(jfr, "dirtypages.Scan");
        for (RecordedEvent scan : scanEvents) {
            String trigger = scan.getString("trigger");
            long gcId = scan.getLong("gcId");
            if (trigger.equals("gc-start") || trigger.equals("gc-end")) {
                if (gcId == 0) {
                    unjoinedStarts += trigger.equals("gc-start") ? 1 : 0;
                    unjoinedEnds += trigger.equals("gc-end") ? 1 : 0;
                    continue;
                }
                (trigger.equals("gc-start") ? startScans : endScans)
                        .computeIfAbsent(gcId, k -> new ArrayList<>()).add(scan.getLong("scanId"));
            } else {
                assertEquals(0, gcId, "a " + trigger + " scan with a gcId");
                otherScans.add(scan.getLong("scanId"));
            }
        }
        List<Gc> gcs = new ArrayList<>();
        for (RecordedEvent gc : Recordings.events(jfr, "jdk.GarbageCollection")) {
            gcs.add(new Gc(gc.getLong("gcId"), Recordings.nanos(gc.getStartTime()), gc.getString("name")));
        }
        gcs.sort((a, b) -> Long.compare(a.start(), b.start()));
        Set<Long> gcIds = new TreeSet<>();
        gcs.forEach(gc -> gcIds.add(gc.id()));
        assertTrue(gcIds.containsAll(startScans.keySet()), "gc-start scans joined to no jdk.GarbageCollection: "
                + startScans.keySet() + " vs " + gcIds);
        assertEquals(startScans.keySet(), endScans.keySet(), "every pause has a start and an end scan");
        assertEquals(unjoinedStarts, unjoinedEnds, "every unjoined pause has a start and an end scan");

        // Every collection from the first pause the agent scanned to the last has its scans: joined by gcId, or
        // unjoined where the in-process stream had not delivered its JDK event, which may happen only before the first
        // joined pause (the stream starting) and after the last (the recording closing at exit). On JDK 17 HotSpot
        // also posts the JVMTI GC events around collections the GC locker skipped, with no JDK pause: those stay
        // unjoined anywhere.
        assertFalse(startScans.isEmpty(), "no pause was scanned\n" + run);
        long firstJoined = startScans.firstKey();
        long lastJoined = startScans.lastKey();
        List<long[]> jfrPauses = new ArrayList<>();
        Recordings.events(jfr, "jdk.GCPhasePause").forEach(e -> jfrPauses.add(new long[] {
                Recordings.nanos(e.getStartTime()), Recordings.nanos(e.getEndTime()), e.getLong("gcId")}));
        Set<Long> scannedUnjoined = new TreeSet<>();
        int unjoinedWrites = 0;
        int withoutJdkPause = 0;
        long firstWindow = Long.MAX_VALUE;
        long lastWindow = Long.MIN_VALUE;
        List<RecordedEvent> gcWrites = Recordings.events(jfr, "dirtypages.GcWrites");
        List<Window> pauseWindows = new ArrayList<>();
        for (RecordedEvent e : gcWrites) {
            long from = Recordings.nanos(e.getInstant("pauseStart"));   // in milliseconds: the end widened by one
            pauseWindows.add(new Window(from, from + e.getLong("pauseTime") + 1_000_000, e.getLong("startScanId"),
                    e.getLong("gcId")));
        }
        for (Window w : pauseWindows) {
            firstWindow = Math.min(firstWindow, w.from());
            lastWindow = Math.max(lastWindow, w.to());
            if (w.gcId() != 0) {
                continue;
            }
            unjoinedWrites++;
            List<Long> overlapped = jfrPauses.stream().filter(q -> q[0] <= w.to() && q[1] >= w.from())
                    .map(q -> q[2]).toList();
            withoutJdkPause += overlapped.isEmpty() ? 1 : 0;
            scannedUnjoined.addAll(overlapped);
        }
        assertEquals(unjoinedStarts, unjoinedWrites, "one GcWrites per unjoined pause");
        for (Gc gc : gcs) {
            if (gc.start() < firstWindow || gc.start() > lastWindow || startScans.containsKey(gc.id())) {
                continue;   // before the scans started, after they stopped (the JVM exiting), or joined
            }
            assertTrue(scannedUnjoined.contains(gc.id()), "collection " + gc + " was not scanned; the agent said: "
                    + run.stderrLines("gcepochs"));
            assertTrue(gc.id() < firstJoined || gc.id() > lastJoined, "collection " + gc + " was scanned but not "
                    + "joined, between joined ones (" + firstJoined + " to " + lastJoined + "); " + withoutJdkPause
                    + " unjoined pauses had no JDK pause");
        }

        // The other scans of the mutator's writes: from Java (the timer's, each second, which teaches the agent the
        // heap's layout; a chunk end's), in their events' time; and the pause windows, in theirs (GcWrites).
        List<Window> javaScans = new ArrayList<>();
        for (RecordedEvent scan : scanEvents) {
            if (otherScans.contains(scan.getLong("scanId"))) {
                javaScans.add(new Window(Recordings.nanos(scan.getStartTime()), Recordings.nanos(scan.getEndTime()),
                        scan.getLong("scanId"), 0));
            }
        }

        int covered = 0;
        int interrupted = 0;
        int firstCovered = -1;
        for (Round round : rounds) {
            Gc gc = gcs.stream().filter(g -> g.start() > round.t1() && g.start() < round.t2()).findFirst().orElse(null);
            if (gc == null) {
                assertTrue(firstCovered < 0, "no jdk.GarbageCollection during the collection of " + round);
                continue;   // before the agent's recording started
            }
            if (!startScans.containsKey(gc.id())) {
                assertTrue(firstCovered < 0 || gc.id() > lastJoined,
                        "round " + round.n() + " after a scanned one has no pause scan");
                continue;
            }
            if (firstCovered < 0) {
                firstCovered = round.n();
            }
            assertEquals(1, startScans.get(gc.id()).size(), "one young pause per collection: " + gc);
            long start = startScans.get(gc.id()).get(0);
            long end = endScans.get(gc.id()).get(0);
            String where = "round " + round.n() + ", " + gc + ", scans " + start + "/" + end;
            // A scan between the writes and the collection's pause takes the pages it finds first: a scan from Java,
            // or another pause (HotSpot posts the JVMTI GC events around a collection the GC locker skipped, a
            // thread being in a JNI critical region). Each page is reported once, by one of them: such a round is
            // checked for loss, not against the split.
            Set<Long> before = new TreeSet<>();
            for (Window w : javaScans) {
                if (w.to() > round.t0() && w.from() < round.t2()) {
                    before.add(w.scanId());
                }
            }
            for (Window w : pauseWindows) {
                if (w.scanId() != start && w.to() > round.t0() && w.from() < round.t2()) {
                    before.add(w.scanId());
                }
            }
            if (!before.isEmpty()) {
                interrupted++;
                Set<Integer> found = new TreeSet<>(primByScan.getOrDefault(start, Set.of()));
                before.forEach(id -> found.addAll(primByScan.getOrDefault(id, Set.of())));
                assertContains(found, round.prim(), "the primitive pages, in the scans " + before + " or the gc-start "
                        + "scan, " + where + " (the scans that reported them: " + reporting(primByScan, round.prim())
                        + ")");
                continue;
            }
            covered++;
            assertContains(primByScan.get(start), round.prim(), "gc-start: the primitive pages, " + where);
            assertContains(refsByScan.get(start), round.refs(), "gc-start: the reference pages, " + where);
            assertContains(refsByScan.get(end), round.refs(), "gc-end: the rewritten reference slots, " + where);
            assertEquals(Set.of(), primByScan.getOrDefault(end, Set.of()),
                    "gc-end: the collector wrote no page of the primitive array, " + where);
        }
        assertTrue(covered >= MIN_COVERED, "only " + covered + " rounds had their pause scanned (" + interrupted
                + " more had another scan in the way)\n" + run);

        // One dirtypages.GcWrites per scanned collection, counting at least what the child wrote.
        Map<Long, RecordedEvent> writes = new HashMap<>();
        for (RecordedEvent e : gcWrites) {
            if (e.getLong("gcId") == 0) {
                continue;   // unjoined, at exit (counted above)
            }
            assertTrue(writes.put(e.getLong("gcId"), e) == null, "two GcWrites for one collection: " + e);
        }
        assertEquals(startScans.keySet(), writes.keySet());
        Checked checked = new Checked(covered, interrupted, withoutJdkPause);

        // The pauses scan what the timer measures: young memory, which collector-aware arming leaves unarmed, is left
        // out once the agent knows the heap's layout (after its first scan).
        assertTrue(gcWrites.stream().anyMatch(e -> e.getLong("unscannedBytes") > 0),
                "no pause left the unarmed young memory out");
        return checked;
    }

    private static void assertContains(Set<Integer> reported, Set<Integer> expected, String what) {
        Set<Integer> missed = new TreeSet<>(expected);
        if (reported != null) {
            missed.removeAll(reported);
        }
        assertTrue(missed.isEmpty(), what + ": missed pages " + missed);
    }

    /** Which scans reported which of {@code pages}: for a failure's message. */
    private static Map<Long, Set<Integer>> reporting(Map<Long, Set<Integer>> byScan, Set<Integer> pages) {
        Map<Long, Set<Integer>> out = new TreeMap<>();
        byScan.forEach((id, reported) -> {
            Set<Integer> common = new TreeSet<>(reported);
            common.retainAll(pages);
            if (common.size() > 1) {
                out.put(id, common);
            }
        });
        return out;
    }

    private static Map<Long, Set<Integer>> byScan(List<Recordings.Scan> scans) {
        Map<Long, Set<Integer>> out = new HashMap<>();
        for (Recordings.Scan s : scans) {
            out.put(s.id(), s.pages());
        }
        return out;
    }

    private static Set<Integer> pages(String list) {
        Set<Integer> out = new TreeSet<>();
        for (String p : list.split(",")) {
            out.add(Integer.parseInt(p));
        }
        return out;
    }
}
