package dev.dirtypages.agent.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.options.ArmingPolicy;
import dev.dirtypages.agent.options.RegionKind;
import dev.dirtypages.agent.track.TrackedRegion;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.PageCollector;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.mman.MmanBinding;
import dev.dirtypages.kernel.track.RepairListener;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.BitSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Adaptive arming on the real kernel, against writes the test makes itself: eight stripes of 16 pages, two
 * written in full every round (hot), one written in full for a few rounds and then left alone, the rest written
 * at a few random pages per round.
 */
@EnabledIfUserfaultfd
class AdaptiveArmingTest {
    private static final int STRIPE_PAGES = 16;
    private static final int STRIPES = 8;
    private static final int AFTER = 2;
    private static final int FOR = 3;
    private static final int ROUNDS = 40;
    private static final int COOLING = 2;
    private static final int COOLS_AT = 10;
    /** The rounds whose scan measures the hot stripes, with AFTER = 2, FOR = 3 and stretches of 3, 6, 12, 12. */
    private static final Set<Integer> HOT_MEASURED_ROUNDS = Set.of(1, 2, 7, 8, 16, 17, 31, 32);

    @Test
    void neverMissesAWriteAndStopsMeasuringOnlyStripesWrittenInFull() {
        // Stripes are aligned to their size in the address space: so must the mapping be, for its stripes to be ours.
        try (AnonymousMapping m = AnonymousMapping.aligned(STRIPES * STRIPE_PAGES * Pages.SIZE, STRIPE_PAGES * Pages.SIZE);
             WriteTracker tracker = WriteTracker.open()) {
            m.advise(0, m.length(), MmanBinding.MADV_NOHUGEPAGE);
            tracker.track(m.address(), m.end());
            TrackedRegion region = new TrackedRegion(RegionKind.HEAP, m.address(), m.end());
            AdaptiveArming adaptive = new AdaptiveArming(new ArmingPolicy(ArmingPolicy.Mode.ADAPTIVE, STRIPE_PAGES * Pages.SIZE, AFTER, FOR));
            PageCollector measured = new PageCollector(m.address(), m.end());
            PageCollector assumed = new PageCollector(m.address(), m.end());
            Random random = new Random(42);
            int lastAssumedCooling = -1;
            long assumedTotal = 0;
            for (int round = 1; round <= ROUNDS; round++) {
                BitSet written = new BitSet();
                written.set(0, 2 * STRIPE_PAGES);
                if (round < COOLS_AT) {
                    written.set(COOLING * STRIPE_PAGES, (COOLING + 1) * STRIPE_PAGES);
                }
                for (int s = COOLING + 1; s < STRIPES; s++) {
                    for (int i = 0; i < 3; i++) {
                        written.set(s * STRIPE_PAGES + random.nextInt(STRIPE_PAGES - 1));
                    }
                }
                TestMemory.writePages(m, written, (byte) round);

                measured.clear();
                assumed.clear();
                adaptive.beginScan();
                adaptive.collect(tracker, region, measured, assumed, RepairListener.NONE);
                adaptive.endScan();
                BitSet reported = measured.pages();
                reported.or(assumed.pages());
                BitSet missed = (BitSet) written.clone();
                missed.andNot(reported);
                assertTrue(missed.isEmpty(), "round " + round + " missed pages " + missed);
                assertEquals(assumed.pages().cardinality(), adaptive.assumedPages(), "round " + round);
                assumedTotal += adaptive.assumedPages();

                // Stripes never written in full are measured, page for page, every round.
                BitSet partial = new BitSet();
                partial.set((COOLING + 1) * STRIPE_PAGES, STRIPES * STRIPE_PAGES);
                BitSet partialReported = (BitSet) reported.clone();
                partialReported.and(partial);
                BitSet partialWritten = (BitSet) written.clone();
                partialWritten.and(partial);
                assertEquals(partialWritten, partialReported, "round " + round);
                assertTrue(!assumed.pages().intersects(partial), "round " + round);

                // The hot stripes: measured by scan 1 and settled (read, found full, left unarmed) by scan 2, then
                // assumed for FOR scans, collected once more (assumed: the report spans the stretch), measured,
                // settled, assumed for 2 * FOR, and so on up to MAX_STRETCH_FACTOR * FOR.
                BitSet hot = new BitSet();
                hot.set(0, 2 * STRIPE_PAGES);
                BitSet hotAssumed = assumed.pages();
                hotAssumed.and(hot);
                boolean hotMeasured = HOT_MEASURED_ROUNDS.contains(round);
                assertEquals(hotMeasured ? 0 : 2 * STRIPE_PAGES, hotAssumed.cardinality(), "round " + round);

                BitSet cooling = new BitSet();
                cooling.set(COOLING * STRIPE_PAGES, (COOLING + 1) * STRIPE_PAGES);
                if (reported.intersects(cooling)) {
                    lastAssumedCooling = round;
                }
            }
            assertTrue(assumedTotal > 0, "nothing was ever assumed");
            // Left alone from round COOLS_AT, the cooling stripe is over-reported for a bounded number of scans.
            assertTrue(lastAssumedCooling >= COOLS_AT - 1
                            && lastAssumedCooling <= COOLS_AT + FOR * AdaptiveArming.MAX_STRETCH_FACTOR,
                    "the stripe left alone was last reported in round " + lastAssumedCooling);
        }
    }
}
