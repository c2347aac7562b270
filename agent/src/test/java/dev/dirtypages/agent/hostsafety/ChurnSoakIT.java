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
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Churn and soak: the heap grows from 16 MiB towards 512 MiB and is given back, cycle after cycle, while
 * the agent scans every 10 ms (every commit and uncommit drops a registration the agent must repair). One
 * minute in the normal tests; {@code -Ddirtypages.soak.minutes=N} runs N minutes (see the README).
 *
 * <p>Bounded, after a warm-up of a quarter of the run: the heap live after a full GC (the agent's own
 * objects are in it; the application keeps nothing between cycles), the resident memory outside the heap
 * (JNA's and the agent's native memory, JFR's buffers), the JVM's own native memory (NMT), the number of
 * VMAs and of VMAs registered with a userfaultfd; one tracked region throughout, and no event naming
 * memory outside it. Direct buffers join the churn ({@code heap+direct}) once the agent tracks them.
 */
@EnabledIfUserfaultfd
class ChurnSoakIT {
    static final double MINUTES = Double.parseDouble(System.getProperty("dirtypages.soak.minutes", "1"));
    static final String KINDS = "heap";
    static final long MIB = 1 << 20;
    /** Growth allowed from the second quarter of the run to the last. */
    static final long HEAP_GROWTH_BOUND = MIB / 2;
    static final long NATIVE_GROWTH_BOUND = 16 * MIB;
    static final int VMA_GROWTH_BOUND = 64;
    static final int UFFD_VMA_BOUND = 64;

    @TempDir
    Path dir;

    @Test
    void memoryAndMappingsStayBoundedUnderHeapChurn() throws Exception {
        long seconds = Math.round(MINUTES * 60);
        Path jfr = dir.resolve("soak.jfr");
        Result run = ChildJvm.in(dir)
                .args("-XX:+UseG1GC", "-Xms16m", "-Xmx512m", "-XX:MinHeapFreeRatio=5", "-XX:MaxHeapFreeRatio=10",
                        "-XX:NativeMemoryTracking=summary")
                .agent("interval=10ms,file=" + jfr)
                .args("-cp", ChildJvm.testClasses().toString(), Churn.class.getName(), Long.toString(seconds), KINDS)
                .start().await(Duration.ofSeconds(seconds + 120));
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.stdout().contains("STATE tracking"), run::toString);
        assertTrue(run.stdout().contains("DONE"), run::toString);
        assertFalse(run.stderr().contains("failed") || run.stderr().contains("Exception"), run::toString);

        List<long[]> cycles = new ArrayList<>();   // heapUsed heapCommitted rssOutside nmtNonHeap vmas uffdVmas
        long heapStart = 0;
        long heapEnd = 0;
        for (String line : run.stdout().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("CYCLE")) {
                cycles.add(Arrays.stream(f, 3, 9).mapToLong(Long::parseLong).toArray());
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
        long vmaMax = cycles.subList(n / 4, n).stream().mapToLong(c -> c[4]).max().orElseThrow();
        long vmaBase = median(second, 4);
        long uffdMax = cycles.stream().mapToLong(c -> c[5]).max().orElseThrow();

        ScanStats stats = scanStats(jfr, heapStart, heapEnd);
        System.out.printf("ChurnSoakIT: %.1f min, %d cycles, %d scans, %d re-registrations; heap live after GC %.2f MiB "
                        + "(growth %+d KiB), RSS outside the heap %.1f MiB (growth %+.1f MiB), NMT non-heap %.1f MiB "
                        + "(growth %+.1f MiB), VMAs %d..%d, userfaultfd VMAs <= %d%n",
                MINUTES, n, stats.scans, stats.reregistered, median(last, 0) / (double) MIB, heapGrowth >> 10,
                median(last, 2) / (double) MIB, rssGrowth / (double) MIB, median(last, 3) / (double) MIB,
                nmtGrowth / (double) MIB, vmaBase, vmaMax, uffdMax);

        assertTrue(heapGrowth <= HEAP_GROWTH_BOUND, "the heap live after GC grew by " + heapGrowth + " bytes");
        assertTrue(rssGrowth <= NATIVE_GROWTH_BOUND, "resident memory outside the heap grew by " + rssGrowth);
        assertTrue(nmtGrowth <= NATIVE_GROWTH_BOUND, "the JVM's native memory grew by " + nmtGrowth);
        assertTrue(vmaMax <= vmaBase + VMA_GROWTH_BOUND, "VMAs grew from " + vmaBase + " to " + vmaMax);
        assertTrue(uffdMax <= UFFD_VMA_BOUND, uffdMax + " VMAs registered with a userfaultfd");

        assertTrue(stats.scans >= 2000 * MINUTES, "expected thousands of scans: " + stats.scans);
        assertTrue(stats.reregistered > 10, "the heap was not remapped: this churned nothing");
        assertEquals(0, stats.outsideHeap, "events naming memory outside the heap's reserved range");
        assertEquals(0, stats.untracked, "RegionUntracked: a stretch could not be registered again");
        assertEquals(1, stats.lastRegions, "tracked regions at the end");
        assertEquals(heapEnd - heapStart, stats.lastTrackedBytes, "tracked bytes at the end");
    }

    private static long median(List<long[]> rows, int column) {
        long[] values = rows.stream().mapToLong(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    private static final class ScanStats {
        long scans;
        long reregistered;
        long outsideHeap;
        long untracked;
        long lastRegions;
        long lastTrackedBytes;
    }

    private static ScanStats scanStats(Path jfr, long heapStart, long heapEnd) throws Exception {
        ScanStats s = new ScanStats();
        List<RecordedEvent> status = new ArrayList<>();
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                switch (e.getEventType().getName()) {
                    case "dirtypages.Scan":
                        s.scans++;
                        s.reregistered += e.getLong("reregistered");
                        break;
                    case "dirtypages.DirtyRange":
                    case "dirtypages.RegionTracked":
                        if (e.getLong("startAddress") < heapStart || e.getLong("endAddress") > heapEnd) {
                            s.outsideHeap++;
                        }
                        break;
                    case "dirtypages.RegionUntracked":
                        s.untracked++;
                        break;
                    case "dirtypages.AgentStatus":
                        status.add(e);
                        break;
                    default:
                        break;
                }
            }
        }
        status.sort(Comparator.comparing(RecordedEvent::getStartTime));
        assertFalse(status.isEmpty(), "no AgentStatus event");
        RecordedEvent last = status.get(status.size() - 1);
        s.lastRegions = last.getInt("regions");
        s.lastTrackedBytes = last.getLong("trackedBytes");
        return s;
    }
}
