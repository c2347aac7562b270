package dev.dirtypages.agent.offheap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testapp.ManyBuffers;
import dev.dirtypages.agent.testapp.OffHeap;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.GroundTruth;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten thousand small blocks (half direct buffers, half Unsafe memory) in the allocator's heap: every one is
 * tracked and every written page reported, and registering them costs a handful of VMAs, not one or three
 * per block (vm.max_map_count is 65530 here).
 */
@EnabledIfUserfaultfd
class ManyBuffersIT {
    private static final int BLOCKS = 10_000;
    /** Well within malloc's small chunks: many blocks per page, many pages shared. */
    private static final int BYTES = 1000;

    @TempDir
    Path dir;

    /**
     * Dense: the blocks share pages. Spaced: each block lies on pages of its own between free chunks (8 KiB
     * spacers, freed): registering each block's pages would split malloc's heap into about 20,000 VMAs.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 8192})
    void tenThousandSmallBlocksAreTrackedWithoutSplittingTheirMappings(int spacer) throws Exception {
        Path jfr = dir.resolve("many-" + spacer + ".jfr");
        ChildJvm.Result run = KnownOffHeapWritesIT.child(dir)
                .agent("interval=100ms,file=" + jfr + ",maxranges=1000000")
                .args("-XX:MaxDirectMemorySize=64m", "-cp", ChildJvm.testClasses().toString(),
                        ManyBuffers.class.getName(), Integer.toString(BLOCKS), Integer.toString(BYTES), "7", "500",
                        Integer.toString(spacer))
                .run();
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("STATE tracking"), run.toString());

        long before = Long.parseLong(line(run, "MAPS before")[2]);
        long armed = Long.parseLong(line(run, "MAPS armed")[2]);
        long end = Long.parseLong(line(run, "MAPS end")[2]);
        List<RecordedEvent> tracked = new ArrayList<>();
        for (RecordedEvent e : Recordings.events(jfr, "dirtypages.RegionTracked")) {
            if (e.getLong("blockId") > 0 && e.getLong("size") == BYTES && e.getStackTrace() != null && e.getStackTrace().getFrames().stream()
                    .anyMatch(f -> f.getMethod().getType().getName().equals(OffHeap.class.getName())
                            && f.getMethod().getName().equals("allocate"))) {
                tracked.add(e);
            }
        }
        assertEquals(BLOCKS, tracked.size(), "a RegionTracked event for each block");
        long spans = pageSpans(tracked);
        System.out.printf("ManyBuffersIT: %d blocks (spacers %d bytes) in %d separate page spans; VMAs %d before, %d "
                + "armed, %d at the end%n", BLOCKS, spacer, spans, before, armed, end);
        if (spacer > 0) {
            assertTrue(spans > BLOCKS / 2, "the spacers did not keep the blocks apart: " + spans + " page spans");
        }
        // Registering each block's pages would have split the heap into about 2 x spans + 1 VMAs.
        assertTrue(armed - before < 64, "VMAs grew from " + before + " to " + armed + " (" + spans + " page spans)");
        assertTrue(end - before < 64, "VMAs grew from " + before + " to " + end);

        // Every page written is reported in its interval.
        String[] base = line(run, "BASE");
        long first = Long.parseLong(base[1]) * 4096;
        long last = first + Long.parseLong(base[2]) * 4096;
        GroundTruth truth = GroundTruth.parse(run.stdout());
        truth.assertNoneMissed(Recordings.scans(jfr, first, last));

        long freed = Recordings.events(jfr, "dirtypages.RegionUntracked").stream()
                .filter(e -> e.getLong("blockId") > 0 && e.getString("reason").equals("freed")).count();
        assertTrue(freed >= BLOCKS, "a RegionUntracked event for each block freed, got " + freed);
        System.out.println("ManyBuffersIT: freeing " + BLOCKS + " armed blocks took "
                + Long.parseLong(line(run, "FREED")[2]) / 1_000_000 + " ms");
    }

    /** How many separate runs of whole pages the blocks cover. */
    private static long pageSpans(List<RecordedEvent> blocks) {
        List<long[]> spans = new ArrayList<>();
        for (RecordedEvent e : blocks) {
            spans.add(new long[] {e.getLong("startAddress") & -4096L, (e.getLong("endAddress") + 4095) & -4096L});
        }
        spans.sort(Comparator.comparingLong(s -> s[0]));
        long count = 0;
        long end = Long.MIN_VALUE;
        for (long[] s : spans) {
            if (s[0] > end) {
                count++;
            }
            end = Math.max(end, s[1]);
        }
        return count;
    }

    private static String[] line(ChildJvm.Result run, String prefix) {
        return run.stdout().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " line\n" + run)).split(" ");
    }
}
