package dev.dirtypages.kernel.pagemap;

import static dev.dirtypages.kernel.PageSets.assertSamePages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.PageCollector;
import dev.dirtypages.kernel.PageSets;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.mman.MmanBinding;
import dev.dirtypages.kernel.track.CollectResult;
import dev.dirtypages.kernel.track.RepairListener;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Arm, write a known pattern, scan-and-re-arm, compare: every written page reported, no other, round after
 * round (tools/testing/selftests/mm/pagemap_ioctl.c does the same with its own patterns).
 */
@EnabledIfUserfaultfd
class ExactWriteReportingTest {
    private static final int PAGES = 4096;
    private static final int ROUNDS = 200;
    private static final long SEED = 0x5EED_D1F7L;

    /** The shapes a round's writes take. */
    enum Shape {
        SPARSE, DENSE, RUNS, ALTERNATING, ALL, NONE, EDGES, REWRITE_PREVIOUS
    }

    /** Collect through the scanner directly, or through the tracker built on it. */
    enum Via {
        SCANNER, TRACKER
    }

    @ParameterizedTest(name = "via {0}")
    @EnumSource(Via.class)
    void reportsEveryWrittenPageOfARandomPatternAndNoOther(Via via) {
        try (AnonymousMapping m = TestMemory.smallPages(PAGES); WriteTracker tracker = WriteTracker.open()) {
            tracker.track(m.address(), m.end());
            Random random = new Random(SEED);
            PageCollector reported = new PageCollector(m.address(), m.end());
            BitSet previous = new BitSet();
            Shape[] shapes = Shape.values();
            for (int round = 0; round < ROUNDS; round++) {
                Shape shape = round < shapes.length ? shapes[round] : shapes[random.nextInt(shapes.length)];
                BitSet written = pattern(shape, random, previous);
                BitSet readOnly = PageSets.minus(pattern(Shape.SPARSE, random, previous), written);
                TestMemory.readPages(m, readOnly);
                TestMemory.writePages(m, written, (byte) round);
                if (random.nextBoolean()) {
                    TestMemory.writePages(m, written, (byte) (round + 1)); // a second write changes nothing
                }

                reported.clear();
                long pages;
                long regions;
                int ioctls;
                if (via == Via.SCANNER) {
                    ScanResult r = tracker.scanner().scan(m.address(), m.end(), ScanQuery.COLLECT_AND_REARM, reported);
                    assertFalse(r.lostRegistration() || r.hitPageLimit(), r.toString());
                    assertEquals(m.end(), r.walkEnd(), r.toString());
                    pages = r.pages();
                    regions = r.regions();
                    ioctls = r.ioctls();
                } else {
                    CollectResult r = tracker.collect(m.address(), m.end(), reported, RepairListener.NONE);
                    assertEquals(0, r.reregistered() + r.untrackable(), r.toString());
                    pages = r.pages();
                    regions = r.regions();
                    ioctls = r.ioctls();
                }
                String context = "seed " + SEED + ", round " + round + " (" + shape + ", " + written.cardinality()
                        + " pages written, " + readOnly.cardinality() + " read)";
                assertSamePages(written, reported.pages(), context);
                assertEquals(written.cardinality(), pages, context);
                assertEquals(reported.regions().size(), regions, context);
                assertMaximalRuns(reported.regions(), context);
                if (shape == Shape.ALTERNATING) {
                    assertTrue(ioctls >= 2, context + ": " + regions + " regions fit one vector of "
                            + tracker.scanner().capacity() + "? ioctls " + ioctls);
                }
                previous = written;
            }
        }
    }

    /** Regions of one category never touch: the kernel (and the scanner across calls) merges neighbours. */
    private static void assertMaximalRuns(List<PageRegion> regions, String context) {
        for (int i = 1; i < regions.size(); i++) {
            assertTrue(regions.get(i).start() > regions.get(i - 1).end(),
                    context + ": " + regions.get(i - 1) + " and " + regions.get(i) + " touch but were not merged");
        }
    }

    private static BitSet pattern(Shape shape, Random random, BitSet previous) {
        BitSet out = new BitSet(PAGES);
        switch (shape) {
            case SPARSE:
                for (int i = random.nextInt(64); i > 0; i--) {
                    out.set(random.nextInt(PAGES));
                }
                break;
            case DENSE:
                double p = 0.05 + 0.9 * random.nextDouble();
                for (int i = 0; i < PAGES; i++) {
                    if (random.nextDouble() < p) {
                        out.set(i);
                    }
                }
                break;
            case RUNS:
                for (int i = 1 + random.nextInt(20); i > 0; i--) {
                    int start = random.nextInt(PAGES);
                    out.set(start, Math.min(PAGES, start + 1 + random.nextInt(300)));
                }
                break;
            case ALTERNATING:
                for (int i = random.nextInt(2); i < PAGES; i += 2) {
                    out.set(i);
                }
                break;
            case ALL:
                out.set(0, PAGES);
                break;
            case NONE:
                break;
            case EDGES:
                out.set(0);
                out.set(PAGES - 1);
                break;
            case REWRITE_PREVIOUS:
                out.or(previous);
                break;
            default:
                throw new AssertionError(shape);
        }
        return out;
    }

    @Test
    void reportsNothingWrittenBeforeTrackingStarted() {
        try (AnonymousMapping m = TestMemory.smallPages(64); WriteTracker tracker = WriteTracker.open()) {
            TestMemory.writePages(m, PageSets.range(0, 64), (byte) 1);
            tracker.track(m.address(), m.end());
            PageCollector reported = new PageCollector(m.address(), m.end());
            tracker.collect(m.address(), m.end(), reported, RepairListener.NONE);
            assertSamePages(new BitSet(), reported.pages(), "tracking starts armed");
            m.write(5 * dev.dirtypages.kernel.Pages.SIZE, (byte) 2);
            reported.clear();
            tracker.collect(m.address(), m.end(), reported, RepairListener.NONE);
            assertSamePages(PageSets.of(5), reported.pages(), "the first write after tracking started");
        }
    }

    /**
     * MADV_DONTNEED zeroes pages and leaves holes, which are neither armed nor reported: the return to zero is not
     * reported (the JVM drops heap pages only by remapping them, which is reported, see LostRegistrationScanTest),
     * and the next write to such a page is.
     */
    @Test
    void madvDontneedLeavesHolesWhoseNextWriteIsReported() {
        long p = dev.dirtypages.kernel.Pages.SIZE;
        try (AnonymousMapping m = TestMemory.smallPages(64); WriteTracker tracker = WriteTracker.open()) {
            TestMemory.writePages(m, PageSets.range(0, 32), (byte) 7); // 0..31 populated, 32..63 never touched
            tracker.track(m.address(), m.end());
            PageCollector reported = new PageCollector(m.address(), m.end());

            m.advise(10 * p, 4 * p, MmanBinding.MADV_DONTNEED);
            tracker.collect(m.address(), m.end(), reported, RepairListener.NONE);
            assertSamePages(new BitSet(), reported.pages(), "MADV_DONTNEED of populated pages 10..13 leaves holes");
            assertEquals(0, m.read(10 * p), "dropped pages read as zero");
            assertEquals(7, m.read(14 * p), "the neighbour kept its content");

            m.write(11 * p, (byte) 1);
            m.advise(40 * p, 4 * p, MmanBinding.MADV_DONTNEED);
            m.write(41 * p, (byte) 1);
            reported.clear();
            tracker.collect(m.address(), m.end(), reported, RepairListener.NONE);
            assertSamePages(PageSets.of(11, 41), reported.pages(), "writes after MADV_DONTNEED are caught");

            reported.clear();
            tracker.collect(m.address(), m.end(), reported, RepairListener.NONE);
            assertSamePages(new BitSet(), reported.pages(), "re-armed: the next collection is quiet");
        }
    }
}
