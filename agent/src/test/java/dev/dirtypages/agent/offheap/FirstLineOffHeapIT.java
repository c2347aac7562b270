package dev.dirtypages.agent.offheap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dirtypages.agent.testapp.FirstLineOffHeap;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.GroundTruth;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.agent.testing.Recordings.Scan;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An application that allocates an off-heap block in the first statement of main and writes it at once, with
 * the agent at its defaults (only the interval and the file set): the block is tracked although the agent was
 * still starting, every page written is reported (those written before the block's first arming by the scan
 * that arms it, flagged {@code before-arming}), and from then on no quiet page is. A block written and freed
 * before the agent could arm it has its pages reported as written before arming too.
 */
@EnabledIfUserfaultfd
class FirstLineOffHeapIT {
    private static final long INTERVAL_MS = 100;
    /** 64 MiB and a little: a size no other allocation of the child has. */
    private static final long BYTES = (64L << 20) + 12345;
    private static final Map<String, String> EVENT_NAMES = Map.of("direct", "direct-buffer", "unsafe", "unsafe-memory",
            "arena", "ffm-arena");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"direct", "unsafe", "arena"})
    void aBlockAllocatedAndWrittenInTheFirstLineOfMainIsReportedWhole(String kind) throws Exception {
        assumeTrue(!kind.equals("arena") || ChildJvm.javaFeature() >= 22, "FFM arenas are tracked on JDK 22+");
        Path jfr = dir.resolve(kind + ".jfr");
        ChildJvm.Result run = KnownOffHeapWritesIT.child(dir)
                .agent("interval=" + INTERVAL_MS + "ms,file=" + jfr)
                .args("-cp", ChildJvm.testClasses().toString(), FirstLineOffHeap.class.getName(), kind,
                        Long.toString(BYTES), "10", "40", "300", "17")
                .run();
        assertEquals(0, run.exitCode(), run.toString());

        String[] block = run.stdout().lines().filter(l -> l.startsWith("BLOCK ")).findFirst().orElseThrow().split(" ");
        long address = Long.parseLong(block[1]);
        long firstPage = Long.parseLong(block[3]);
        int pages = Integer.parseInt(block[4]);
        long blockEnd = firstPage + pages * 4096L;
        GroundTruth truth = GroundTruth.parse(run.stdout());
        assertEquals(10, truth.rounds.size(), run.toString());

        // Tracked, though allocated before the agent had set anything but its advice up.
        RecordedEvent tracked = KnownOffHeapWritesIT.trackedBlock(jfr, address, EVENT_NAMES.get(kind));
        assertTrue(tracked.getLong("blockId") > 0, tracked.toString());

        List<Scan> scans = Recordings.scans(jfr, firstPage, blockEnd);
        truth.assertNoneMissed(scans);
        truth.assertLastRoundFlushed(scans);

        // The scan that armed it reported what was written before, flagged so; round 1 was written then.
        long armingScan = Long.MAX_VALUE;
        Set<Integer> beforeArming = new TreeSet<>();
        for (RecordedEvent range : Recordings.events(jfr, "dirtypages.DirtyRange")) {
            if (range.getLong("endAddress") <= firstPage || range.getLong("startAddress") >= blockEnd) {
                continue;
            }
            assertEquals(EVENT_NAMES.get(kind), range.getString("region"), range.toString());
            if ("before-arming".equals(range.getString("assumedReason"))) {
                assertTrue(range.getBoolean("assumed"), range.toString());
                armingScan = Math.min(armingScan, range.getLong("scanId"));
            }
        }
        assertTrue(armingScan < Long.MAX_VALUE, "no range of the block reported as written before its arming\n" + run);
        for (RecordedEvent range : Recordings.events(jfr, "dirtypages.DirtyRange")) {
            if (range.getLong("scanId") == armingScan && "before-arming".equals(range.getString("assumedReason"))) {
                for (long p = Math.max(range.getLong("startAddress"), firstPage);
                     p < Math.min(range.getLong("endAddress"), blockEnd); p += 4096) {
                    beforeArming.add((int) ((p - firstPage) / 4096));
                }
            }
        }
        long armingId = armingScan;
        Scan arming = scans.stream().filter(s -> s.id() == armingId).findFirst().orElseThrow();
        assertTrue(truth.rounds.get(0)[1] < arming.beginNanos(), "round 1 was written after the arming scan began");
        Set<Integer> writtenBefore = new TreeSet<>();
        Set<Integer> writtenUpTo = new TreeSet<>();
        for (int r = 0; r < truth.rounds.size(); r++) {
            if (truth.rounds.get(r)[1] < arming.beginNanos() - GroundTruth.SLACK_NANOS) {
                writtenBefore.addAll(truth.written.get(r));
            }
            if (truth.rounds.get(r)[0] <= arming.endNanos() + GroundTruth.SLACK_NANOS) {
                writtenUpTo.addAll(truth.written.get(r));
            }
        }
        assertTrue(beforeArming.containsAll(writtenBefore),
                "pages written before the block's arming not all reported as before-arming: " + beforeArming);
        if (kind.equals("unsafe")) {
            // Unsafe memory is not zeroed: of a fresh mapping, only the pages the application wrote hold data.
            assertTrue(writtenUpTo.containsAll(beforeArming),
                    "an Unsafe block's pages reported as written before its arming that no round wrote: " + beforeArming);
        }
        // A block written and freed before any scan: its pages are reported as written before arming.
        String[] shortLived = run.stdout().lines().filter(l -> l.startsWith("SHORT ")).findFirst().orElseThrow()
                .split(" ");
        long shortFirstPage = Long.parseLong(shortLived[3]);
        Set<Integer> shortReported = new TreeSet<>();
        Recordings.scans(jfr, shortFirstPage, shortFirstPage + (64 << 12), Recordings.Reported.ASSUMED)
                .forEach(s -> shortReported.addAll(s.pages()));
        for (int i = 4; i < shortLived.length; i++) {
            assertTrue(shortReported.contains(Integer.parseInt(shortLived[i])), "page " + shortLived[i]
                    + " of the block freed before its arming not reported: " + shortReported);
        }

        // From the scan after its arming on, no quiet page is reported.
        truth.assertNoneExtra(scans, arming.endNanos() + 1);
    }
}
