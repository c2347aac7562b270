package dev.dirtypages.agent.sample;

import dev.dirtypages.agent.options.ArmingPolicy;
import dev.dirtypages.agent.track.TrackedRegion;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.pagemap.RegionVisitor;
import dev.dirtypages.kernel.pagemap.ScanQuery;
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
 * <p>A measured stripe found written in full by {@code assumeAfter} scans in a row becomes assumed. The last of
 * those scans only reads it (a {@code PAGEMAP_SCAN} without write-protecting): found full, the stripe is reported
 * as measured and left unarmed, so that its pages do not fault once more for nothing; found otherwise, it is
 * collected as usual. It then stays assumed for {@code assumeFor} scans, twice that after a further full cycle, up
 * to {@link #MAX_STRETCH_FACTOR} times. The scan after a stretch collects it again: its pages were never re-armed,
 * so every page written since it was last armed reads as written and is reported (as assumed: the report covers
 * more than one interval), and the collection arms it, so the scan after that measures it again.
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
    /** The longest a stripe stays assumed, in multiples of {@code assumeFor}. */
    static final int MAX_STRETCH_FACTOR = 4;
    private final ArmingPolicy policy;
    private final Map<TrackedRegion, Stripes> byRegion = new HashMap<>();
    private final StripeCounter counter = new StripeCounter();
    private final StripeCounter reader = new StripeCounter();
    private long generation;
    private long assumedPages;

    AdaptiveArming(ArmingPolicy policy) {
        this.policy = policy;
    }

    /** Starts a scan: the counts of what it assumed start from zero. */
    void beginScan() {
        generation++;
        assumedPages = 0;
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
            } else {
                for (; j < s.count && s.assumedLeft[j] == 0; j++) {
                    s.settled[j] = false;
                }
                settleCandidates(tracker, s, i, j);
                reregistered += collectRun(tracker, s, i, j, measured, assumed, repairs);
            }
            i = j;
        }
        return reregistered;
    }

    /**
     * Reads, without re-arming, the stripes of {@code [i, j)} that one more full scan makes assumed, and settles
     * those found written in full: they become assumed now and are left unarmed, instead of being re-armed by this
     * scan only to be left alone from the next (which would cost each of their pages one more write fault).
     */
    private void settleCandidates(WriteTracker tracker, Stripes s, int i, int j) {
        int k = i;
        while (k < j) {
            if (!candidate(s, k)) {
                k++;
                continue;
            }
            int m = k;
            for (; m < j && candidate(s, m); m++) {
                s.written[m] = 0;
            }
            reader.reset(s);
            tracker.scanner().scan(s.start(k), s.end(m - 1), ScanQuery.WRITTEN, reader);
            for (int c = k; c < m; c++) {
                s.settled[c] = s.written[c] == s.pages(c);
            }
            k = m;
        }
    }

    private boolean candidate(Stripes s, int k) {
        return !s.rearming[k] && s.fullScans[k] == policy.assumeAfter() - 1;
    }

    /** Collects the stripes of {@code [i, j)} that were not settled, and reports the settled ones whole. */
    private long collectRun(WriteTracker tracker, Stripes s, int i, int j, RegionVisitor measured,
                            RegionVisitor assumed, RepairListener repairs) {
        long reregistered = 0;
        int k = i;
        while (k < j) {
            if (s.settled[k]) {
                // Measured: the read found every page written since the last scan armed it.
                measured.visit(s.start(k), s.end(k), 0);
                assume(s, k);
                s.settled[k] = false;
                k++;
                continue;
            }
            int m = k;
            for (; m < j && !s.settled[m]; m++) {
                s.written[m] = 0;
            }
            counter.reset(s, measured, assumed);
            reregistered += tracker.collect(s.start(k), s.end(m - 1), counter, repairs).reregistered();
            assumedPages += counter.assumedPages;
            for (int c = k; c < m; c++) {
                decide(s, c);
            }
            k = m;
        }
        return reregistered;
    }

    /** After stripe {@code k} was collected: count its run of full scans, and leave it unarmed after enough. */
    private void decide(Stripes s, int k) {
        if (s.rearming[k]) {
            // Collected after an assumed stretch: the report spans several intervals, so it says nothing about this one.
            s.rearming[k] = false;
            s.fullScans[k] = 0;
            return;
        }
        if (s.written[k] < s.pages(k)) {
            s.fullScans[k] = 0;
            s.stretches[k] = 0;
            return;
        }
        if (++s.fullScans[k] >= policy.assumeAfter()) {
            assume(s, k);
        }
    }

    /**
     * Leaves stripe {@code k} unarmed and assumed written. A stripe assumed again right after its previous
     * stretch stays so twice as long each time, up to {@link #MAX_STRETCH_FACTOR} times {@code assumeFor}: a
     * stripe that stays hot is measured less and less often, one that cools is over-reported for a bounded time.
     */
    private void assume(Stripes s, int k) {
        s.fullScans[k] = 0;
        s.assumedLeft[k] = policy.assumeFor() * Math.min(MAX_STRETCH_FACTOR, 1 << Math.min(s.stretches[k], 30));
        s.stretches[k]++;
        s.rearming[k] = true; // takes effect when assumedLeft reaches 0 again
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
        /** Assumed stretches in a row, with only full scans between them. */
        final int[] stretches;
        /** Found written in full by this scan's read: assumed without being re-armed. */
        final boolean[] settled;
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
            this.stretches = new int[count];
            this.settled = new boolean[count];
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

        /** Counts only: for a read that decides, whose pages a later collection or report covers. */
        void reset(Stripes s) {
            reset(s, RegionVisitor.IGNORE, RegionVisitor.IGNORE);
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
