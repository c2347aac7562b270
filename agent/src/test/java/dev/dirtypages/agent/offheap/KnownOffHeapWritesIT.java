package dev.dirtypages.agent.offheap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dirtypages.agent.testapp.KnownOffHeapWrites;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.GroundTruth;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.agent.testing.Recordings.Scan;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent in a child JVM against ground truth, for each off-heap kind: whole pages of one block the child
 * allocated at once and wrote in rounds, at addresses it knows. Every written page is reported in its interval,
 * no page of the otherwise quiet block in any other (from the scan that armed it on), under the kind's name;
 * and a block allocated while the agent's recording runs has a RegionTracked event that says where the child
 * allocated it.
 */
@EnabledIfUserfaultfd
class KnownOffHeapWritesIT {
    private static final long INTERVAL_MS = 100;
    /** A little over a MiB: its whole pages are the block's alone (the edges are shared with the allocator). */
    private static final long BYTES = (1 << 20) + 12345;
    private static final Map<String, String> EVENT_NAMES = Map.of("direct", "direct-buffer", "unsafe", "unsafe-memory",
            "arena", "ffm-arena");

    @TempDir
    Path dir;

    static ChildJvm child(Path dir) {
        ChildJvm child = ChildJvm.in(dir).args("-Xmx256m", "--add-opens", "java.base/java.nio=ALL-UNNAMED");
        if (ChildJvm.javaFeature() >= 23) {
            child.args("--sun-misc-unsafe-memory-access=allow"); // the child's own Unsafe calls, not the agent's
        }
        return child;
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "unsafe", "arena"})
    void everyWrittenPageOfABlockIsReportedInItsIntervalAndNoOther(String kind) throws Exception {
        assumeTrue(!kind.equals("arena") || ChildJvm.javaFeature() >= 22, "FFM arenas are tracked on JDK 22+");
        Path jfr = dir.resolve(kind + ".jfr");
        ChildJvm.Result run = run(kind, jfr, false);

        String[] block = run.stdout().lines().filter(l -> l.startsWith("BLOCK ")).findFirst().orElseThrow().split(" ");
        long address = Long.parseLong(block[1]);
        long firstPage = Long.parseLong(block[3]);
        int pages = Integer.parseInt(block[4]);
        GroundTruth truth = GroundTruth.parse(run.stdout());
        assertEquals(12, truth.rounds.size(), run.toString());

        List<Scan> scans = Recordings.scans(jfr, firstPage, firstPage + pages * 4096L);
        // Scans from the agent's start on (which the child does not wait for): enough to tell the rounds apart.
        assertTrue(scans.size() >= 12, "expected a scan every " + INTERVAL_MS + " ms, got " + scans.size());
        truth.assertNoneMissed(scans);
        // Quiet from its arming on: the scans after the one that arms it (and reports what was written before,
        // the zeroing of a direct buffer or a segment, say) report only what the rounds wrote. Its RegionTracked
        // event is committed at its allocation, or, allocated before the agent's recording started, at its arming.
        RecordedEvent tracked = trackedBlock(jfr, address, EVENT_NAMES.get(kind));
        truth.assertNoneExtra(scans, Recordings.nanos(tracked.getStartTime()));
        truth.assertLastRoundFlushed(scans);

        // Under the kind's name.
        for (RecordedEvent range : Recordings.events(jfr, "dirtypages.DirtyRange")) {
            if (range.getLong("endAddress") > firstPage && range.getLong("startAddress") < firstPage + pages * 4096L) {
                assertEquals(EVENT_NAMES.get(kind), range.getString("region"), range.toString());
            }
        }
        assertTrue(tracked.getLong("blockId") > 0, tracked.toString());

        // The per-block summary counts at least the pages the rounds wrote (the edges may add their writes).
        long counted = 0;
        for (RecordedEvent e : Recordings.events(jfr, "dirtypages.BlockWrites")) {
            if (e.getLong("blockId") == tracked.getLong("blockId")) {
                assertEquals(EVENT_NAMES.get(kind), e.getString("kind"));
                counted += e.getLong("writtenPages");
            }
        }
        // Those are measured writes: of the rounds after its arming.
        long armedAt = Recordings.nanos(tracked.getStartTime());
        long written = 0;
        for (int r = 0; r < truth.rounds.size(); r++) {
            if (truth.rounds.get(r)[0] > armedAt + GroundTruth.SLACK_NANOS) {
                written += truth.written.get(r).size();
            }
        }
        assertTrue(counted >= written, "BlockWrites counted " + counted + " pages of the block, the rounds after its "
                + "arming wrote " + written);
    }

    /**
     * The allocation's stack trace is in the block's RegionTracked event when a recording is on at the allocation:
     * here the wait for the agent is the point (its recording starts on the agent's start-up thread).
     */
    @ParameterizedTest
    @ValueSource(strings = {"direct", "unsafe", "arena"})
    void aBlockAllocatedWhileRecordingCarriesItsAllocationsStackTrace(String kind) throws Exception {
        assumeTrue(!kind.equals("arena") || ChildJvm.javaFeature() >= 22, "FFM arenas are tracked on JDK 22+");
        Path jfr = dir.resolve(kind + "-after-agent.jfr");
        ChildJvm.Result run = run(kind, jfr, true);
        assertTrue(run.stdout().contains("STATE tracking"), "the agent did not start tracking\n" + run);
        long address = Long.parseLong(run.stdout().lines().filter(l -> l.startsWith("BLOCK ")).findFirst()
                .orElseThrow().split(" ")[1]);
        RecordedEvent tracked = trackedBlock(jfr, address, EVENT_NAMES.get(kind));
        assertEquals(BlockEvents.ALLOCATED, tracked.getString("reason"), tracked.toString());
        assertTrue(tracked.getStackTrace().getFrames().stream().map(RecordedFrame::getMethod)
                .anyMatch(m -> m.getType().getName().equals("dev.dirtypages.agent.testapp.OffHeap")
                        && m.getName().equals("allocate")), "the allocation's stack trace\n" + tracked);
        GroundTruth truth = GroundTruth.parse(run.stdout());
        String[] block = run.stdout().lines().filter(l -> l.startsWith("BLOCK ")).findFirst().orElseThrow().split(" ");
        long firstPage = Long.parseLong(block[3]);
        truth.assertNoneMissed(Recordings.scans(jfr, firstPage, firstPage + Long.parseLong(block[4]) * 4096L));
    }

    private ChildJvm.Result run(String kind, Path jfr, boolean afterAgent) throws Exception {
        ChildJvm child = child(dir)
                .agent("interval=" + INTERVAL_MS + "ms,file=" + jfr + ",maxranges=1000000")
                .args("-cp", ChildJvm.testClasses().toString(), KnownOffHeapWrites.class.getName(), kind,
                        Long.toString(BYTES), "12", "40", "350", "11");
        if (afterAgent) {
            child.args("after-agent");
        }
        ChildJvm.Result run = child.run();
        assertEquals(0, run.exitCode(), run.toString());
        return run;
    }

    /** The RegionTracked event of the block holding {@code address}. */
    static RecordedEvent trackedBlock(Path jfr, long address, String kind) throws java.io.IOException {
        return Recordings.events(jfr, "dirtypages.RegionTracked").stream()
                .filter(e -> kind.equals(e.getString("kind")) && e.getLong("startAddress") <= address
                        && e.getLong("endAddress") > address)
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no RegionTracked for the block at 0x"
                        + Long.toHexString(address)));
    }
}
