package dev.dirtypages.agent.hostsafety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testapp.Churn;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.ChildJvm.Result;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Churn and soak: the heap grows from 16 MiB towards 512 MiB and is given back, cycle after cycle, while
 * the agent scans every 10 ms (every commit and uncommit drops a registration the agent must repair). One
 * minute in the normal tests; {@code -Ddirtypages.soak.minutes=N} runs N minutes (see the README).
 *
 * <p>Bounded, after a warm-up of a quarter of the run: the heap live after a full GC (the agent's own
 * objects are in it; the application keeps nothing between cycles), the memory malloc has handed out (JNA's
 * and the agent's native memory among it), the resident memory outside the heap (after malloc_trim: JFR's
 * buffers, code, malloc's), the JVM's own native memory (NMT), the number of VMAs and of VMAs registered with
 * a userfaultfd; no heap event naming memory outside the heap.
 *
 * <p>Direct buffers churn beside the heap ({@link #KINDS} names both what the application churns and the
 * agent's {@code regions=}): ~2,000 allocated and freed a cycle, some held across scans and written while
 * armed. Checked besides: every block's writes are reported under its name up to its free and never after
 * (at most one {@code BlockWrites} after its {@code RegionUntracked}, marked freed, from the first scan after
 * the free), and the blocks still tracked at the end are few (no registration outlives its free).
 */
@EnabledIfUserfaultfd
@Tag("soak")
class ChurnSoakIT {
    static final double MINUTES = Double.parseDouble(System.getProperty("dirtypages.soak.minutes", "1"));
    static final String KINDS = "heap+direct";
    static final long MIB = 1 << 20;
    /** Growth allowed from the second quarter of the run to the last. */
    static final long HEAP_GROWTH_BOUND = MIB / 2;
    static final long NATIVE_GROWTH_BOUND = 16 * MIB;
    /**
     * VMAs: the count swings by tens from cycle to cycle (how much of the heap is committed after each GC, in
     * how many pieces; which buffers have mappings of their own; on JDK 25 the registered ones went from 10 to
     * 59 and back), so the medians of the second and last quarters are compared (measured: +11 at most); a leak
     * of one VMA a cycle shows as ~25-35 in a minute and ~300 in the ten-minute soak. The caps are sanity bounds.
     */
    static final int VMA_GROWTH_BOUND = 32;
    static final int VMA_SWING_CAP = 128;
    static final int UFFD_VMA_GROWTH_BOUND = 32;
    static final int UFFD_VMA_CAP = 128;
    /** Blocks tracked at the end: the application frees all of its own; the JDK may cache a few. */
    static final int LIVE_BLOCKS_BOUND = 32;

    @TempDir
    Path dir;

    @Test
    void memoryAndMappingsStayBoundedUnderHeapAndDirectBufferChurn() throws Exception {
        long seconds = Math.round(MINUTES * 60);
        Path jfr = dir.resolve("soak.jfr");
        Result run = ChildJvm.in(dir)
                .args("-XX:+UseG1GC", "-Xms16m", "-Xmx512m", "-XX:MinHeapFreeRatio=5", "-XX:MaxHeapFreeRatio=10",
                        "-XX:NativeMemoryTracking=summary")
                .args(ChildJvm.javaFeature() >= 24 ? new String[] {"--enable-native-access=ALL-UNNAMED"} : new String[0])
                .agent("interval=10ms,regions=" + KINDS + ",file=" + jfr)
                .args("-cp", ChildJvm.classPath(ChildJvm.testClasses(), ChildJvm.existing("dirtypages.it.jna")),
                        Churn.class.getName(), Long.toString(seconds), KINDS)
                .start().await(Duration.ofSeconds(seconds + 120));
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.stdout().contains("STATE tracking"), run::toString);
        assertTrue(run.stdout().contains("DONE"), run::toString);
        assertFalse(run.stderr().contains("failed") || run.stderr().contains("Exception"), run::toString);

        List<long[]> cycles = new ArrayList<>();   // heapUsed heapCommitted rssOutside nmtNonHeap vmas uffdVmas malloc
        long heapStart = 0;
        long heapEnd = 0;
        for (String line : run.stdout().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("CYCLE")) {
                cycles.add(Arrays.stream(f, 3, 10).mapToLong(Long::parseLong).toArray());
            } else if (f[0].equals("HEAP")) {
                heapStart = Long.parseLong(f[1]);
                heapEnd = Long.parseLong(f[2]);
            }
        }
        assertTrue(cycles.size() >= 20, "too few cycles to judge: " + cycles.size() + "\n" + run);
        int n = cycles.size();
        List<long[]> second = cycles.subList(n / 4, n / 2);
        List<long[]> last = cycles.subList(3 * n / 4, n);

        long heapGrowth = median(last, 0) - median(second, 0);
        long rssGrowth = median(last, 2) - median(second, 2);
        long nmtGrowth = median(last, 3) - median(second, 3);
        long mallocGrowth = median(last, 6) - median(second, 6);
        long vmaMax = cycles.subList(n / 4, n).stream().mapToLong(c -> c[4]).max().orElseThrow();
        long vmaBase = median(second, 4);
        long vmaGrowth = median(last, 4) - vmaBase;
        long uffdMax = cycles.stream().mapToLong(c -> c[5]).max().orElseThrow();
        long uffdGrowth = median(last, 5) - median(second, 5);

        ScanStats stats = scanStats(jfr, heapStart, heapEnd);
        System.out.printf("ChurnSoakIT: %.1f min, %s, %d cycles, %d scans, %d re-registrations, %d blocks tracked, %d "
                        + "untracked, %d reported written (%d up to their free); heap live after GC %.2f MiB "
                        + "(growth %+d KiB), RSS outside the heap %.1f MiB (growth %+.1f MiB), NMT non-heap %.1f MiB "
                        + "(growth %+.1f MiB), malloc in use %.1f MiB (growth %+.1f MiB), VMAs median %d, max %d (growth "
                        + "%+d), userfaultfd VMAs max %d (growth %+d)%n",
                MINUTES, KINDS, n, stats.scans, stats.reregistered, stats.blocksTracked, stats.blocksUntracked,
                stats.blocksWritten, stats.freedWithWrites, median(last, 0) / (double) MIB, heapGrowth >> 10,
                median(last, 2) / (double) MIB, rssGrowth / (double) MIB, median(last, 3) / (double) MIB,
                nmtGrowth / (double) MIB, median(last, 6) / (double) MIB, mallocGrowth / (double) MIB, vmaBase, vmaMax,
                vmaGrowth, uffdMax, uffdGrowth);

        assertTrue(median(last, 3) > 0, "NMT gave no summary: the native memory bound would check nothing");
        assertTrue(median(last, 6) > 0, "no mallinfo2: the malloc bound would check nothing");
        assertTrue(mallocGrowth <= NATIVE_GROWTH_BOUND, "memory in use from malloc grew by " + mallocGrowth);
        assertTrue(heapGrowth <= HEAP_GROWTH_BOUND, "the heap live after GC grew by " + heapGrowth + " bytes");
        assertTrue(rssGrowth <= NATIVE_GROWTH_BOUND, "resident memory outside the heap grew by " + rssGrowth);
        assertTrue(nmtGrowth <= NATIVE_GROWTH_BOUND, "the JVM's native memory grew by " + nmtGrowth);
        assertTrue(vmaGrowth <= VMA_GROWTH_BOUND, "VMAs grew by " + vmaGrowth + " (median, from " + vmaBase + ")");
        assertTrue(vmaMax <= vmaBase + VMA_SWING_CAP, "VMAs reached " + vmaMax + " (median " + vmaBase + ")");
        assertTrue(uffdGrowth <= UFFD_VMA_GROWTH_BOUND, "VMAs registered with a userfaultfd grew by " + uffdGrowth);
        assertTrue(uffdMax <= UFFD_VMA_CAP, uffdMax + " VMAs registered with a userfaultfd");

        assertTrue(stats.scans >= 2000 * MINUTES, "expected thousands of scans: " + stats.scans);
        assertTrue(stats.reregistered > 10, "the heap was not remapped: this churned nothing");
        assertEquals(0, stats.outsideHeap, "heap events naming memory outside the heap's reserved range");
        assertEquals(0, stats.heapUntracked, "RegionUntracked for the heap: a stretch could not be registered again");
        assertEquals(List.of(), stats.blockErrors, "blocks reported after their free");
        if (KINDS.contains("direct")) {
            assertTrue(stats.blocksTracked > 20_000 * MINUTES, "few blocks: " + stats.blocksTracked);
            assertTrue(stats.blocksWritten > 100, "few blocks reported written: " + stats.blocksWritten);
            assertTrue(stats.freedWithWrites > 100, "few blocks reported written up to their free: "
                    + stats.freedWithWrites);
        }
        long liveBlocks = stats.blocksTracked - stats.blocksUntracked;
        assertTrue(liveBlocks <= LIVE_BLOCKS_BOUND, liveBlocks + " blocks never untracked");
        assertTrue(stats.lastRegions <= 1 + LIVE_BLOCKS_BOUND, stats.lastRegions + " regions tracked at the end");
        assertTrue(stats.lastTrackedBytes >= heapEnd - heapStart
                && stats.lastTrackedBytes <= heapEnd - heapStart + LIVE_BLOCKS_BOUND * MIB,
                stats.lastTrackedBytes + " bytes tracked at the end");
    }

    private static long median(List<long[]> rows, int column) {
        long[] values = rows.stream().mapToLong(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    private static final class ScanStats {
        long scans;
        long reregistered;
        long outsideHeap;
        long heapUntracked;
        long blocksTracked;
        long blocksUntracked;
        long blocksWritten;
        long freedWithWrites;
        long lastRegions;
        long lastTrackedBytes;
        final List<String> blockErrors = new ArrayList<>();
    }

    /** One BlockWrites event: the scan, and whether it says the block was freed. */
    private record BlockReport(long scanId, boolean freed) {
    }

    private static ScanStats scanStats(Path jfr, long heapStart, long heapEnd) throws Exception {
        ScanStats s = new ScanStats();
        List<RecordedEvent> status = new ArrayList<>();
        Map<Long, Long> scanBegins = new HashMap<>();
        Map<Long, Long> freedAt = new HashMap<>();               // block id -> RegionUntracked time
        Map<Long, List<BlockReport>> reports = new HashMap<>();  // block id -> its BlockWrites
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                switch (e.getEventType().getName()) {
                    case "dirtypages.Scan":
                        s.scans++;
                        s.reregistered += e.getLong("reregistered");
                        scanBegins.put(e.getLong("scanId"), nanos(e.getStartTime()));
                        break;
                    case "dirtypages.DirtyRange":
                        if (e.getString("region").equals("java-heap") && outside(e, heapStart, heapEnd)) {
                            s.outsideHeap++;
                        }
                        break;
                    case "dirtypages.RegionTracked":
                        if (e.getLong("blockId") != 0) {
                            s.blocksTracked++;
                        } else if (e.getString("kind").equals("java-heap") && outside(e, heapStart, heapEnd)) {
                            s.outsideHeap++;
                        }
                        break;
                    case "dirtypages.RegionUntracked":
                        if (e.getLong("blockId") != 0) {
                            s.blocksUntracked++;
                            freedAt.put(e.getLong("blockId"), nanos(e.getStartTime()));
                        } else {
                            s.heapUntracked++;
                        }
                        break;
                    case "dirtypages.BlockWrites":
                        reports.computeIfAbsent(e.getLong("blockId"), k -> new ArrayList<>())
                                .add(new BlockReport(e.getLong("scanId"), e.getBoolean("freed")));
                        break;
                    case "dirtypages.AgentStatus":
                        status.add(e);
                        break;
                    default:
                        break;
                }
            }
        }
        // A block's writes are reported under its name up to its free and never after. Scans that began before
        // the free may report it (what they collected before it); the pages the free itself collected are
        // carried to the next scan to start, so of the scans that began after the free only the first may report
        // the block, marked freed; none later.
        long[] beginsById = new long[scanBegins.keySet().stream().mapToInt(Long::intValue).max().orElse(0) + 1];
        Arrays.fill(beginsById, Long.MAX_VALUE);
        scanBegins.forEach((id, begin) -> beginsById[id.intValue()] = begin);
        long[] sortedIds = scanBegins.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        long errors = 0;
        for (Map.Entry<Long, List<BlockReport>> entry : reports.entrySet()) {
            long block = entry.getKey();
            s.blocksWritten++;
            if (entry.getValue().stream().anyMatch(BlockReport::freed)) {
                s.freedWithWrites++;
            }
            Long freed = freedAt.get(block);
            if (freed == null) {
                if (entry.getValue().stream().anyMatch(BlockReport::freed)) {
                    errors++;
                    addError(s, "block " + block + ": reported freed, yet never untracked");
                }
                continue;
            }
            long firstAfter = Long.MAX_VALUE;
            for (long id : sortedIds) {
                if (beginsById[(int) id] > freed) {
                    firstAfter = id;
                    break;
                }
            }
            for (BlockReport r : entry.getValue()) {
                if (beginsById[(int) r.scanId()] > freed && (r.scanId() != firstAfter || !r.freed())) {
                    errors++;
                    addError(s, "block " + block + ": reported by scan " + r.scanId() + " (freed=" + r.freed()
                            + "), which began after its free; only scan " + firstAfter + " may, marked freed");
                }
            }
        }
        if (errors > s.blockErrors.size()) {
            s.blockErrors.add("... " + (errors - s.blockErrors.size()) + " more");
        }
        assertFalse(status.isEmpty(), "no AgentStatus event");
        status.sort(Comparator.comparing(RecordedEvent::getStartTime));
        RecordedEvent last = status.get(status.size() - 1);
        s.lastRegions = last.getInt("regions");
        s.lastTrackedBytes = last.getLong("trackedBytes");
        return s;
    }

    private static void addError(ScanStats s, String error) {
        if (s.blockErrors.size() < 10) {
            s.blockErrors.add(error);
        }
    }

    private static boolean outside(RecordedEvent e, long start, long end) {
        return e.getLong("startAddress") < start || e.getLong("endAddress") > end;
    }

    private static long nanos(java.time.Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
