package dev.dirtypages.agent.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.GroundTruth;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.agent.testing.Recordings.Reported;
import dev.dirtypages.agent.testing.Recordings.Scan;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default arming (collector-aware) in a child JVM against ground truth, under each collector that gives the
 * knowledge: writes to old and humongous memory reported exactly (none missed, none extra), writes to young memory
 * reported (assumed, reason young) within the documented scans, an array a full collection moves into the old
 * generation reported whole by the first scans that measure it, and the per-kind counts adding up to each scan's.
 * The child allocates and writes from the first line of main, without waiting for the agent.
 */
@EnabledIfUserfaultfd
class CollectorArmingIT {
    private static final long INTERVAL_MS = 100;
    /*
     * A write to memory whose kind changed is reported once the agent learns the new kind from JFR (at its next
     * flush, about a second later: docs/options.md), and at the latest by the complete scan at exit. The test checks
     * that it is reported, not how soon: a CI machine once delivered a type change more than 3 s late.
     */
    private static final int ROUNDS = 20;
    private static final int GC_AFTER = 8;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseG1GC", "-XX:+UseParallelGC", "-XX:+UseSerialGC"})
    void oldWritesAreExactYoungWritesAssumedAndPromotedMemoryReportedWhole(String collector) throws Exception {
        boolean g1 = collector.contains("G1");
        Path jfr = dir.resolve("kinds.jfr");
        ChildJvm child = ChildJvm.in(dir).args(collector, "-XX:-UseCompressedOops", "-Xms256m", "-Xmx256m");
        if (!g1) {
            // A young generation smaller than the old array: it is allocated in the old one. Without class data
            // sharing, JDK 25 loads no archived objects into the old generation below it, whose death would let the
            // full collection slide the array down.
            child.args("-Xmn16m", "-Xshare:off");
        }
        ChildJvm.Result run = child
                .agent("interval=" + INTERVAL_MS + "ms,file=" + jfr + ",maxranges=1000000,regions=heap")
                .args("-cp", ChildJvm.testClasses().toString(), "dev.dirtypages.agent.testapp.KindedHeapWrites",
                        String.valueOf(ROUNDS), "200", "300", String.valueOf(GC_AFTER), "17")
                .run();
        assertEquals(0, run.exitCode(), run.toString());
        String out = run.stdout();
        assertFalse(out.contains("MOVED"), "an array moved: the ground truth is void\n" + run);
        long[] old = line(out, "OLD");
        long[] promoted = line(out, "PROMOTED");
        String[] promotedLine = out.lines().filter(x -> x.startsWith("PROMOTED ")).findFirst().orElseThrow().split(" ");
        assertTrue(Long.parseLong(promotedLine[3]) > promoted[0] || Long.parseLong(promotedLine[3]) + 4096 < promoted[0],
                "the full collection did not move the young array: the test says nothing\n" + run);
        long[] gc = line(out, "GC");
        long oldStart = old[0];
        long oldEnd = oldStart + old[1] * 4096;

        List<Scan> all = Recordings.scans(jfr, oldStart, oldEnd);
        assertTrue(all.size() >= 10, "too few scans: " + all.size() + "\n" + run);
        long armed = all.get(0).beginNanos() - firstInterval(jfr);
        assertTrue(gc[0] > armed + GroundTruth.SLACK_NANOS,
                "the full collection ran before the agent armed the heap: the test says nothing\n" + run);
        Recordings.assertEveryRangeHasItsScan(jfr);

        // Old (humongous under G1): exact, in the scan covering the write or the next, from the arming on.
        GroundTruth oldTruth = after(GroundTruth.parse(out), armed);
        assertTrue(oldTruth.rounds.size() >= ROUNDS / 2, "too few rounds after arming: " + oldTruth.rounds.size());
        oldTruth.assertNoneMissed(all);
        // The first scan reports every page written since the heap was mapped: the array's zeroing too.
        oldTruth.assertNoneExtra(Recordings.scans(jfr, oldStart, oldEnd, Reported.MEASURED),
                Math.max(oldTruth.rounds.get(0)[0] - GroundTruth.SLACK_NANOS, all.get(0).beginNanos() + 1));
        oldTruth.assertLastRoundFlushed(all);
        Set<String> oldKinds = kindsOver(jfr, oldStart, oldEnd, false);
        assertEquals(g1 ? Set.of("humongous") : Set.of("old"), withoutUnknown(oldKinds),
                "the old array's measured kinds: " + oldKinds);

        // Promoted by the full collection: every page reported by the scans from the collection to the first that
        // measures the array, and the one after it (the collector copies while a scan may run).
        long pStart = promoted[0];
        long pEnd = pStart + promoted[1] * 4096;
        List<Scan> pAll = Recordings.scans(jfr, pStart, pEnd);
        List<Scan> pMeasured = Recordings.scans(jfr, pStart, pEnd, Reported.MEASURED);
        int firstMeasured = -1;
        for (int i = 0; i < pMeasured.size(); i++) {
            if (pMeasured.get(i).endNanos() >= gc[0] - GroundTruth.SLACK_NANOS && !pMeasured.get(i).pages().isEmpty()) {
                firstMeasured = i;
                break;
            }
        }
        assertTrue(firstMeasured >= 0, "no scan measured the promoted array\n" + run);
        Set<Integer> whole = new TreeSet<>();
        for (int i = 0; i < pAll.size() && i <= firstMeasured + 1; i++) {
            if (pAll.get(i).endNanos() >= gc[0] - GroundTruth.SLACK_NANOS) {
                whole.addAll(pAll.get(i).pages());
            }
        }
        assertEquals(promoted[1], whole.size(), "the promoted array is reported whole by its first measured scans");
        assertEquals(Set.of("old"), withoutUnknown(kindsOver(jfr, pStart, pEnd, false)),
                "the promoted array's measured kinds");
        // Its rounds: none missed (its region's type may reach the agent late: reported later, never lost).
        GroundTruth pTruth = GroundTruth.parse(out.lines().filter(l -> l.startsWith("PROUND "))
                .map(l -> l.substring(1)).collect(Collectors.joining("\n")));
        assertNoneMissedLater(pTruth, pAll);

        // Young: every page of every young array reported (later where its region's type reached the agent late),
        // assumed (reason young) in the main.
        long youngChecked = 0;
        long youngAssumed = 0;
        Scan last = all.get(all.size() - 1);
        for (String l : out.lines().filter(l -> l.startsWith("YOUNG ")).collect(Collectors.toList())) {
            String[] f = l.split(" ");
            long t0 = Long.parseLong(f[1]);
            long t1 = Long.parseLong(f[2]);
            long yStart = Long.parseLong(f[3]);
            int pages = Integer.parseInt(f[4]);
            if (t0 < armed + GroundTruth.SLACK_NANOS || t1 > last.beginNanos()) {
                continue;
            }
            List<Scan> yAll = Recordings.scans(jfr, yStart, yStart + pages * 4096L);
            List<Scan> yAssumed = Recordings.scans(jfr, yStart, yStart + pages * 4096L, Reported.ASSUMED);
            Set<Integer> reported = new TreeSet<>();
            for (int i = 0; i < yAll.size(); i++) {
                Scan s = yAll.get(i);
                if (s.endNanos() >= t0 - GroundTruth.SLACK_NANOS) {
                    reported.addAll(s.pages());
                    youngAssumed += yAssumed.get(i).pages().size();
                }
            }
            assertEquals(pages, reported.size(), "young array written at " + t0 + ": pages reported " + reported);
            youngChecked++;
        }
        assertTrue(youngChecked >= ROUNDS / 2, "too few young arrays checked: " + youngChecked);
        assertTrue(youngAssumed > 0, "no young page was reported as assumed");
        for (RecordedEvent e : Recordings.events(jfr, "dirtypages.DirtyRange")) {
            if (e.getBoolean("assumed")) {
                assertEquals("young", e.getString("assumedReason"), e.toString());
                assertTrue(Set.of("eden", "survivor", "free", "young").contains(e.getString("memoryKind")), e.toString());
            } else {
                assertEquals("", e.getString("assumedReason"), e.toString());
            }
        }

        // Per kind, measured and assumed apart, adding up to each scan's counts.
        Map<Long, long[]> byScan = new HashMap<>();
        for (RecordedEvent e : Recordings.events(jfr, "dirtypages.MemoryKindWrites")) {
            long[] sum = byScan.computeIfAbsent(e.getLong("scanId"), k -> new long[2]);
            sum[0] += e.getLong("writtenPages") + e.getLong("assumedPages");
            sum[1] += e.getLong("assumedPages");
        }
        List<RecordedEvent> scanEvents = Recordings.events(jfr, "dirtypages.Scan");
        for (RecordedEvent e : scanEvents) {
            long[] sum = byScan.getOrDefault(e.getLong("scanId"), new long[2]);
            assertEquals(e.getLong("writtenPages"), sum[0], "scan " + e.getLong("scanId") + " written pages by kind");
            assertEquals(e.getLong("assumedPages"), sum[1], "scan " + e.getLong("scanId") + " assumed pages by kind");
        }
        for (RecordedEvent e : Recordings.events(jfr, "dirtypages.AgentStatus")) {
            assertTrue(e.getString("options").endsWith("arming=collector"), e.toString());
        }
    }

    private static long[] line(String out, String label) {
        String l = out.lines().filter(x -> x.startsWith(label + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + label + " line in\n" + out));
        String[] f = l.split(" ");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    private static long firstInterval(Path jfr) throws Exception {
        return Recordings.events(jfr, "dirtypages.Scan").stream().filter(e -> e.getLong("scanId") == 1)
                .mapToLong(e -> e.getLong("interval")).findFirst().orElse(0);
    }

    /** The rounds that began after the heap was armed. */
    private static GroundTruth after(GroundTruth truth, long armed) {
        GroundTruth kept = new GroundTruth();
        for (int r = 0; r < truth.rounds.size(); r++) {
            if (truth.rounds.get(r)[0] > armed + GroundTruth.SLACK_NANOS) {
                kept.rounds.add(truth.rounds.get(r));
                kept.written.add(truth.written.get(r));
            }
        }
        return kept;
    }

    /** Each round's pages reported by a scan from its start on. */
    private static void assertNoneMissedLater(GroundTruth truth, List<Scan> scans) {
        assertFalse(truth.rounds.isEmpty(), "no rounds");
        for (int r = 0; r < truth.rounds.size(); r++) {
            long t0 = truth.rounds.get(r)[0];
            Set<Integer> reported = new TreeSet<>();
            for (Scan s : scans) {
                if (s.endNanos() >= t0 - GroundTruth.SLACK_NANOS) {
                    reported.addAll(s.pages());
                }
            }
            Set<Integer> missed = new TreeSet<>(truth.written.get(r));
            missed.removeAll(reported);
            assertTrue(missed.isEmpty(), "round " + (r + 1) + " pages never reported: " + missed);
        }
    }

    /** The memory kinds of the measured (or assumed) ranges over {@code [start, end)}. */
    private static Set<String> kindsOver(Path jfr, long start, long end, boolean assumed) throws Exception {
        Set<String> kinds = new TreeSet<>();
        for (RecordedEvent e : Recordings.events(jfr, "dirtypages.DirtyRange")) {
            if (e.getBoolean("assumed") == assumed && e.getLong("startAddress") < end && e.getLong("endAddress") > start) {
                kinds.add(e.getString("memoryKind"));
            }
        }
        return kinds;
    }

    /** Without {@code heap}: what the agent measures before it knows the regions' types. */
    private static Set<String> withoutUnknown(Set<String> kinds) {
        Set<String> out = new TreeSet<>(kinds);
        out.remove("heap");
        return out;
    }
}
