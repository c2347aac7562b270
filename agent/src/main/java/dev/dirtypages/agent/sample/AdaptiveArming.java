package dev.dirtypages.agent.sample;

import dev.dirtypages.agent.options.ArmingPolicy;
import dev.dirtypages.agent.track.TrackedRegion;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.pagemap.RegionVisitor;
import dev.dirtypages.kernel.track.RepairListener;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Adaptive arming ({@code arming=adaptive}, see {@link ArmingPolicy}): each tracked region cut into stripes, each
 * stripe either measured (collected and re-armed, as in plain arming) or assumed written (left unarmed and
 * reported whole without a system call).
 *
 * <p>A measured stripe found written in full by {@code assumeAfter} scans in a row becomes assumed for the next
 * {@code assumeFor} scans. The scan after those collects it again: its pages were never re-armed, so every page
 * written since it was last armed reads as written and is reported (as assumed: the report covers more than one
 * interval), and the collection arms it, so the scan after that measures it again.
 *
 * <p>Why nothing is missed: a page is write-protected only by a collection that reports what it held. While a
 * stripe is assumed nothing arms it, and every scan reports all of it. The collection that ends the assumed
 * stretch reports every page written since the last arming, whatever scan it fell in.
 *
 * <p>Used by the sampler thread only, under its scan lock. The state per region is a few arrays, allocated when
 * a region is first seen and dropped when it is no longer tracked: a scan allocates nothing that grows with the
 * heap.
 */
final class AdaptiveArming {
    private final ArmingPolicy policy;
    private final Map<TrackedRegion, Stripes> byRegion = new HashMap<>();
    private final StripeCounter counter = new StripeCounter();
    private long generation;
    private long assumedPages;
    private long assumedStripes;

    AdaptiveArming(ArmingPolicy policy) {
        this.policy = policy;
    }

    /** Starts a scan: the counts of what it assumed start from zero. */
    void beginScan() {
        generation++;
        assumedPages = 0;
        assumedStripes = 0;
    }

    /** Ends a scan: forgets the regions it did not visit (no longer tracked). */
    void endScan() {
        for (Iterator<Stripes> it = byRegion.values().iterator(); it.hasNext(); ) {
            if (it.next().generation != generation) {
                it.remove();
            }
        }
    }

    /** Pages the scan reported as assumed written rather than measured. */
    long assumedPages() {
        return assumedPages;
    }

    /** Stripes the scan left unarmed or re-armed after leaving them so. */
    long assumedStripes() {
        return assumedStripes;
    }

    /**
     * Collects {@code region}: its measured stripes through {@code tracker} (their written pages to
     * {@code measured}), its assumed stripes whole to {@code assumed}, with the pages of stripes being re-armed.
     *
     * @return the stretches registered again on the way
     */
    long collect(WriteTracker tracker, TrackedRegion region, RegionVisitor measured, RegionVisitor assumed,
                 RepairListener repairs) {
        Stripes s = byRegion.get(region);
        if (s == null) {
            s = new Stripes(region, policy.stripeBytes());
            byRegion.put(region, s);
        }
        s.generation = generation;
        long reregistered = 0;
        int i = 0;
        while (i < s.count) {
            int j = i;
            if (s.assumedLeft[i] > 0) {
                for (; j < s.count && s.assumedLeft[j] > 0; j++) {
                    s.assumedLeft[j]--;
                }
                long start = s.start(i);
                long end = s.end(j - 1);
                assumed.visit(start, end, 0);
                assumedPages += Pages.count(start, end);
                assumedStripes += j - i;
            } else {
                for (; j < s.count && s.assumedLeft[j] == 0; j++) {
                    s.written[j] = 0;
                }
                counter.reset(s, measured, assumed);
                reregistered += tracker.collect(s.start(i), s.end(j - 1), counter, repairs).reregistered();
                assumedPages += counter.assumedPages;
                for (int k = i; k < j; k++) {
                    decide(s, k);
                }
            }
            i = j;
        }
        return reregistered;
    }

    /** After stripe {@code k} was collected: count its run of full scans, and leave it unarmed after enough. */
    private void decide(Stripes s, int k) {
        if (s.rearming[k]) {
            // Collected after an assumed stretch: the report spans several intervals, so it says nothing about this one.
            s.rearming[k] = false;
            s.fullScans[k] = 0;
            assumedStripes++;
            return;
        }
        if (s.written[k] < s.pages(k)) {
            s.fullScans[k] = 0;
            return;
        }
        if (++s.fullScans[k] >= policy.assumeAfter()) {
            s.fullScans[k] = 0;
            s.assumedLeft[k] = policy.assumeFor();
            s.rearming[k] = true; // takes effect when assumedLeft reaches 0 again
        }
    }

    /** The stripes of one region. */
    static final class Stripes {
        final long regionStart;
        final long regionEnd;
        final long stripeBytes;
        final int shift;
        final long firstStripe;
        final int count;
        /** Written pages the current collection found per stripe. */
        final int[] written;
        /** Scans in a row that found the stripe written in full. */
        final int[] fullScans;
        /** Scans the stripe stays unarmed and assumed written; 0: measured. */
        final int[] assumedLeft;
        /** The stripe's next collection ends an assumed stretch. */
        final boolean[] rearming;
        long generation;

        Stripes(TrackedRegion region, long stripeBytes) {
            this.regionStart = region.start();
            this.regionEnd = Pages.alignUp(region.end());
            this.stripeBytes = stripeBytes;
            this.shift = Long.numberOfTrailingZeros(stripeBytes);
            this.firstStripe = regionStart >>> shift;
            long n = ((regionEnd - 1) >>> shift) - firstStripe + 1;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("too many stripes of " + stripeBytes + " bytes in " + region);
            }
            this.count = (int) n;
            this.written = new int[count];
            this.fullScans = new int[count];
            this.assumedLeft = new int[count];
            this.rearming = new boolean[count];
        }

        /** Stripe {@code k}'s first byte inside the region. */
        long start(int k) {
            return Math.max(regionStart, (firstStripe + k) << shift);
        }

        /** The first byte past stripe {@code k} inside the region. */
        long end(int k) {
            return Math.min(regionEnd, (firstStripe + k + 1) << shift);
        }

        int pages(int k) {
            return (int) Pages.count(start(k), end(k));
        }

        int indexOf(long address) {
            return (int) ((address >>> shift) - firstStripe);
        }
    }

    /**
     * Counts the written pages of each stripe a collection reports and passes each piece on, to the assumed
     * visitor for stripes ending an assumed stretch and to the measured one otherwise.
     */
    static final class StripeCounter implements RegionVisitor {
        private Stripes stripes;
        private RegionVisitor measured;
        private RegionVisitor assumed;
        long assumedPages;

        void reset(Stripes s, RegionVisitor measured, RegionVisitor assumed) {
            this.stripes = s;
            this.measured = measured;
            this.assumed = assumed;
            this.assumedPages = 0;
        }

        @Override
        public void visit(long start, long end, long categories) {
            Stripes s = stripes;
            long cursor = Math.max(start, s.regionStart);
            long stop = Math.min(end, s.regionEnd);
            while (cursor < stop) {
                int k = s.indexOf(cursor);
                long pieceEnd = Math.min(stop, s.end(k));
                int pages = (int) Pages.count(cursor, pieceEnd);
                s.written[k] += pages;
                if (s.rearming[k] && s.assumedLeft[k] == 0) {
                    assumedPages += pages;
                    assumed.visit(cursor, pieceEnd, categories);
                } else {
                    measured.visit(cursor, pieceEnd, categories);
                }
                cursor = pieceEnd;
            }
        }
    }
}
