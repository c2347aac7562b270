package dev.dirtypages.agent.offheap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dirtypages.agent.testapp.OffHeapReuse;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.GroundTruth;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.agent.testing.Recordings.Scan;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Free and allocate again at the same address at once: the freed block's writes up to its free are reported
 * under its name, and nothing after; the new block's writes before it is armed are reported by the scan that
 * arms it, as written before its arming, and those after as its own.
 */
@EnabledIfUserfaultfd
class OffHeapReuseIT {
    /** Below malloc's mmap threshold: the chunk comes from malloc's heap and is handed back by the next malloc. */
    private static final long SMALL = 28 * 4096 + 1000;
    /** Above it: the chunk is a mapping of its own, unmapped at the free and mapped again (unregistered) at the address. */
    private static final long LARGE = 64 * 4096 + 1000;

    /** Runs of the child at most, until one gets the freed address back. */
    private static final int RUNS = 4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"direct,small", "unsafe,small", "arena,small", "direct,large", "unsafe,large", "arena,large"})
    void aFreedBlocksPagesStopBeingItsAtOnceEvenAtTheSameAddress(String kind, String size) throws Exception {
        assumeTrue(!kind.equals("arena") || ChildJvm.javaFeature() >= 22, "FFM arenas are tracked on JDK 22+");
        Path jfr = dir.resolve(kind + "-" + size + ".jfr");
        ChildJvm.Result run = runUntilReused(kind, size, jfr);

        String[] block = line(run, "BLOCK ");
        long address = Long.parseLong(block[1]);
        long firstPage = Long.parseLong(block[3]);
        int pages = Integer.parseInt(block[4]);
        long freedAt = Long.parseLong(line(run, "FREED ")[1]);
        Set<Integer> early = Arrays.stream(line(run, "EARLY ")).skip(3).map(Integer::parseInt)
                .collect(Collectors.toCollection(TreeSet::new));
        GroundTruth truth = GroundTruth.parse(run.stdout());
        List<Scan> scans = Recordings.scans(jfr, firstPage, firstPage + pages * 4096L);

        // Every page written by either block, armed, is reported in its interval; none extra once the second
        // block is armed (the scans in between carry the first block's writes up to its free).
        truth.assertNoneMissed(scans);
        // The second block's writes before it was armed: reported by the scan that armed it as written before its
        // arming (assumed), never as measured writes of the interval (and so never under the first block's name).
        List<Scan> measured = Recordings.scans(jfr, firstPage, firstPage + pages * 4096L, Recordings.Reported.MEASURED);
        for (Scan s : measured) {
            for (int page : s.pages()) {
                assertFalse(early.contains(page) && !truth.written.get(0).contains(page)
                        && !truth.written.get(1).contains(page), "scan " + s.id() + " reported page " + page
                        + ", written by the new block before it was armed, as written in its interval");
            }
        }
        Set<Integer> beforeArming = new TreeSet<>();
        Recordings.scans(jfr, firstPage, firstPage + pages * 4096L, Recordings.Reported.ASSUMED)
                .forEach(s -> beforeArming.addAll(s.pages()));
        Set<Integer> earlyOnly = new TreeSet<>(early);
        earlyOnly.removeAll(truth.written.get(0));
        assertTrue(beforeArming.containsAll(earlyOnly), "the new block's writes before its arming, " + earlyOnly
                + ", not all reported as written before its arming: " + beforeArming);

        // Two blocks at the address: the first freed, the second its own.
        String name = Map.of("direct", "direct-buffer", "unsafe", "unsafe-memory", "arena", "ffm-arena").get(kind);
        List<RecordedEvent> allocations = Recordings.events(jfr, "dirtypages.RegionTracked").stream()
                .filter(e -> e.getString("kind").equals(name) && e.getLong("startAddress") <= address
                        && e.getLong("endAddress") > address).collect(Collectors.toList());
        assertEquals(2, allocations.size(), allocations.toString());
        long firstId = allocations.get(0).getLong("blockId");
        long secondId = allocations.get(1).getLong("blockId");
        assertTrue(Recordings.events(jfr, "dirtypages.RegionUntracked").stream()
                .anyMatch(e -> e.getLong("blockId") == firstId && e.getString("reason").equals("freed")));

        // The first block's writes up to its free are reported under its name by the scan after the free (or,
        // when the free raced a scan, that one), and no later scan names it; the second block's writes are its own.
        long scanAfterFree = scans.stream().filter(s -> s.beginNanos() > freedAt + GroundTruth.SLACK_NANOS)
                .mapToLong(Scan::id).min().orElseThrow();
        long firstCounted = 0;
        long secondCounted = 0;
        for (RecordedEvent e : Recordings.events(jfr, "dirtypages.BlockWrites")) {
            if (e.getLong("blockId") == firstId) {
                assertTrue(e.getLong("scanId") <= scanAfterFree, "block " + firstId + " reported after its free: " + e);
                if (e.getLong("scanId") == scanAfterFree) {
                    assertTrue(e.getBoolean("freed"), e.toString());
                }
                firstCounted += e.getLong("writtenPages");
            } else if (e.getLong("blockId") == secondId) {
                secondCounted += e.getLong("writtenPages");
            }
        }
        assertTrue(firstCounted >= truth.written.get(0).size(), "first block: " + firstCounted + " pages counted");
        assertTrue(secondCounted >= truth.written.get(1).size(), "second block: " + secondCounted + " pages counted");
    }

    /**
     * Runs the child until the allocator hands the freed address back, at most {@link #RUNS} times. Whether it
     * does is the allocator's choice, not the agent's: anything the JVM mallocs on the application's thread
     * between the free and the next allocation (a compile task queued by the interpreter, say) splits the
     * freed chunk, about 1 run in 30 here. Each run is a whole test of its own; only runs that reuse are checked.
     */
    private ChildJvm.Result runUntilReused(String kind, String size, Path jfr) throws Exception {
        ChildJvm.Result run = null;
        for (int attempt = 1; attempt <= RUNS; attempt++) {
            Files.deleteIfExists(jfr);
            run = KnownOffHeapWritesIT.child(dir)
                    // An arena of its own for every thread: glibc shares arenas between threads once there are
                    // more than 8 per core, and a JIT or JFR thread sharing the main thread's arena could take
                    // the freed chunk between the free and the next allocation.
                    .env("MALLOC_ARENA_MAX", "1024")
                    .agent("interval=100ms,file=" + jfr + ",maxranges=1000000")
                    .args("-cp", ChildJvm.testClasses().toString(), OffHeapReuse.class.getName(), kind,
                            Long.toString(size.equals("small") ? SMALL : LARGE), "8", "400", Integer.toString(4 + attempt))
                    .run();
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(run.stdout().contains("STATE tracking"), run.toString());
            if (!run.stdout().contains("NOREUSE")) {
                return run;
            }
            System.err.println("OffHeapReuseIT " + kind + "," + size + ": run " + attempt
                    + " did not get the freed address back (" + line(run, "NOREUSE ")[1] + " bytes off), running again");
        }
        throw new AssertionError("the allocator did not hand the address back in " + RUNS + " runs\n" + run);
    }

    private static String[] line(ChildJvm.Result run, String prefix) {
        return run.stdout().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + "line\n" + run)).split(" ");
    }
}
