package dev.dirtypages.kernel.track;

import static dev.dirtypages.kernel.PageSets.assertSamePages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.Errno;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.PageCollector;
import dev.dirtypages.kernel.PageSets;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.mman.MmanBinding;
import dev.dirtypages.kernel.pagemap.PagemapBinding;
import dev.dirtypages.kernel.pagemap.PagemapScanner;
import dev.dirtypages.kernel.pagemap.ScanQuery;
import dev.dirtypages.kernel.uffd.Userfaultfd;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tracker: register, arm, collect, and keep ranges tracked when their VMAs are replaced. */
@EnabledIfUserfaultfd
class WriteTrackerTest {
    private static final long P = Pages.SIZE;
    private static final int RW = MmanBinding.PROT_READ | MmanBinding.PROT_WRITE;

    /** Records what the tracker says about repairs, as page ranges of one mapping. */
    private static final class Repairs implements RepairListener {
        final AnonymousMapping m;
        final List<String> reregistered = new ArrayList<>();
        final List<String> untrackable = new ArrayList<>();
        final List<KernelException> causes = new ArrayList<>();

        Repairs(AnonymousMapping m) {
            this.m = m;
        }

        private String pages(long start, long end) {
            return TestMemory.pageOf(m, start) + ".." + (TestMemory.pageOf(m, end) - 1);
        }

        @Override
        public void reregistered(long start, long end) {
            reregistered.add(pages(start, end));
        }

        @Override
        public void untrackable(long start, long end, KernelException cause) {
            untrackable.add(pages(start, end));
            causes.add(cause);
        }
    }

    private static BitSet collect(WriteTracker tracker, AnonymousMapping m, RepairListener repairs) {
        PageCollector got = new PageCollector(m.address(), m.end());
        CollectResult r = tracker.collect(m.address(), m.end(), got, repairs);
        assertEquals(got.pages().cardinality(), r.pages(), r.toString());
        assertEquals(got.regions().size(), r.regions(), r.toString());
        return got.pages();
    }

    private static BitSet wpAllowed(AnonymousMapping m) {
        try (PagemapScanner scanner = PagemapScanner.openSelf(16)) {
            return PageSets.pagesOf(scanner.scan(m.address(), m.end(),
                    ScanQuery.builder().require(PagemapBinding.PAGE_IS_WPALLOWED).returning(0).build()), m.address());
        }
    }

    /**
     * Arming covers the pages that hold data only: tracking 1 GiB of which 64 pages are used adds no page tables (a
     * PTE marker on every page would add 2 MiB), and a page written for the first time after arming is reported.
     */
    @Test
    void armingALargeMostlyUnusedRangeAddsNoPageTablesAndMissesNoFreshWrite() throws Exception {
        long length = 1L << 30;
        try (AnonymousMapping m = AnonymousMapping.readWrite(length); WriteTracker tracker = WriteTracker.open()) {
            m.advise(0, length, MmanBinding.MADV_NOHUGEPAGE);
            for (int i = 0; i < 64; i++) {
                m.write(i * (length / 64), (byte) 1);
            }
            long before = vmPteKib();
            tracker.track(m.address(), m.end());
            PageCollector reported = new PageCollector(m.address(), m.address() + 1024 * Pages.SIZE);
            tracker.collect(m.address(), m.end(), reported, RepairListener.NONE);
            long added = vmPteKib() - before;
            assertTrue(added < 256, "arming added " + added + " KiB of page tables");
            assertSamePages(new BitSet(), reported.pages(), "armed: nothing written yet");

            m.write(0, (byte) 2);              // armed, populated
            m.write(7 * Pages.SIZE, (byte) 2); // a hole, never armed
            m.read(9 * Pages.SIZE);            // a read maps the zero page: not a write
            tracker.collect(m.address(), m.address() + 1024 * Pages.SIZE, reported, RepairListener.NONE);
            assertSamePages(PageSets.of(0, 7), reported.pages(), "the write to a populated page and to a hole");
            reported.clear();
            tracker.collect(m.address(), m.address() + 1024 * Pages.SIZE, reported, RepairListener.NONE);
            assertSamePages(new BitSet(), reported.pages(), "both re-armed");
        }
    }

    private static long vmPteKib() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("VmPTE:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmPTE in /proc/self/status");
    }

    @Test
    void repairsARegistrationDroppedByMapFixedAndReportsTheStretchWritten() {
        try (AnonymousMapping m = TestMemory.smallPages(64); WriteTracker tracker = WriteTracker.open()) {
            tracker.track(m.address(), m.end());
            m.write(3 * P, (byte) 1);
            m.remapFixed(16 * P, 16 * P, RW);
            m.write(20 * P, (byte) 1); // into the unregistered VMA: only the repair can account for it
            m.write(40 * P, (byte) 1); // after it: the scan must get past the lost VMA
            Repairs repairs = new Repairs(m);

            PageCollector got = new PageCollector(m.address(), m.end());
            CollectResult r = tracker.collect(m.address(), m.end(), got, repairs);
            assertSamePages(PageSets.union(PageSets.of(3, 40), PageSets.range(16, 32)), got.pages(),
                    "the writes, and every page of the remapped stretch");
            assertEquals(List.of("16..31"), repairs.reregistered);
            assertEquals(List.of(), repairs.untrackable);
            assertEquals(1, r.reregistered());
            assertEquals(0, r.untrackable());
            assertSamePages(PageSets.range(0, 64), wpAllowed(m), "registered throughout again");

            assertSamePages(new BitSet(), collect(tracker, m, repairs), "the next collection is quiet");
            assertEquals(1, repairs.reregistered.size(), "no second repair");

            m.write(17 * P, (byte) 2);
            m.write(41 * P, (byte) 2);
            assertSamePages(PageSets.of(17, 41), collect(tracker, m, repairs), "writes after the repair are caught");
        }
    }

    @Test
    void repairsSeveralRemappedStretchesInAddressOrder() {
        try (AnonymousMapping m = TestMemory.smallPages(64); WriteTracker tracker = WriteTracker.open()) {
            tracker.track(m.address(), m.end());
            m.remapFixed(40 * P, 4 * P, RW);
            m.remapFixed(8 * P, 2 * P, RW);
            m.remapFixed(60 * P, 4 * P, RW); // at the very end of the range
            Repairs repairs = new Repairs(m);
            BitSet got = collect(tracker, m, repairs);
            assertSamePages(PageSets.union(PageSets.union(PageSets.range(8, 10), PageSets.range(40, 44)),
                    PageSets.range(60, 64)), got, "the three stretches");
            assertEquals(List.of("8..9", "40..43", "60..63"), repairs.reregistered);
            assertSamePages(new BitSet(), collect(tracker, m, repairs), "quiet afterwards");
        }
    }

    /** Repairs report in address order, with the writes around the stretches: visitors may merge neighbours. */
    @Test
    void repairsReportInAddressOrder() {
        try (AnonymousMapping m = TestMemory.smallPages(64); WriteTracker tracker = WriteTracker.open()) {
            tracker.track(m.address(), m.end());
            TestMemory.writePages(m, PageSets.of(2, 20, 50, 62), (byte) 1);
            m.remapFixed(8 * P, 2 * P, RW);
            m.remapFixed(40 * P, 4 * P, RW);
            m.write(41 * P, (byte) 1);
            List<Long> starts = new ArrayList<>();
            tracker.collect(m.address(), m.end(), (start, end, categories) -> starts.add(start), RepairListener.NONE);
            List<Long> sorted = new ArrayList<>(starts);
            sorted.sort(Long::compareUnsigned);
            assertEquals(sorted, starts, "reports in address order");
            assertEquals(6, starts.size(), "2, 8..9, 20, 40..43, 50, 62 (41 inside its stretch): " + starts);
        }
    }

    /** HotSpot reserves its heap PROT_NONE and commits parts with mmap(MAP_FIXED) as it grows. */
    @Test
    void followsAReservationCommittedByMapFixedAsHotSpotGrowsItsHeap() {
        try (AnonymousMapping heap = AnonymousMapping.reserve(64 * P); WriteTracker tracker = WriteTracker.open()) {
            heap.advise(0, heap.length(), MmanBinding.MADV_NOHUGEPAGE);
            tracker.track(heap.address(), heap.end());
            Repairs repairs = new Repairs(heap);
            assertSamePages(new BitSet(), collect(tracker, heap, repairs), "an untouched reservation");

            heap.remapFixed(0, 16 * P, RW); // commit
            assertSamePages(PageSets.range(0, 16), collect(tracker, heap, repairs), "committed: fresh zero pages");
            assertEquals(List.of("0..15"), repairs.reregistered);

            heap.write(5 * P, (byte) 1);
            assertSamePages(PageSets.of(5), collect(tracker, heap, repairs), "a write into the committed part");

            heap.remapFixed(8 * P, 8 * P, MmanBinding.PROT_NONE); // uncommit the upper half, as G1 shrinks
            assertSamePages(PageSets.range(8, 16), collect(tracker, heap, repairs), "uncommitted: content gone");
            assertEquals(List.of("0..15", "8..15"), repairs.reregistered);
            assertSamePages(new BitSet(), collect(tracker, heap, repairs), "quiet");
        }
    }

    @Test
    void mprotectDoesNotNeedARepair() {
        try (AnonymousMapping heap = AnonymousMapping.reserve(32 * P); WriteTracker tracker = WriteTracker.open()) {
            tracker.track(heap.address(), heap.end());
            heap.protect(0, 16 * P, RW);
            Repairs repairs = new Repairs(heap);
            assertSamePages(new BitSet(), collect(tracker, heap, repairs), "mprotect writes nothing");
            heap.write(2 * P, (byte) 1);
            assertSamePages(PageSets.of(2), collect(tracker, heap, repairs), "a write after mprotect");
            assertEquals(List.of(), repairs.reregistered);
        }
    }

    @Test
    void skipsAStretchAnotherUserfaultfdOwnsAndReportsTheRest() {
        try (AnonymousMapping m = TestMemory.smallPages(64); WriteTracker tracker = WriteTracker.open()) {
            tracker.track(m.address(), m.end());
            m.remapFixed(16 * P, 16 * P, RW);
            // Another tool (synchronous write-protect mode, so not WP-async) takes the remapped stretch. Nothing
            // here write-protects it, so writing there never waits for that tool's fault handler.
            try (Userfaultfd other = Userfaultfd.open(0)) {
                other.register(m.address() + 16 * P, m.address() + 32 * P);
                m.write(3 * P, (byte) 1);
                m.write(40 * P, (byte) 1);
                Repairs repairs = new Repairs(m);
                PageCollector got = new PageCollector(m.address(), m.end());
                CollectResult r = tracker.collect(m.address(), m.end(), got, repairs);
                assertSamePages(PageSets.of(3, 40), got.pages(), "the pages on either side of the foreign stretch");
                assertEquals(List.of("16..31"), repairs.untrackable);
                assertEquals(Errno.EBUSY, repairs.causes.get(0).errno(), repairs.causes.get(0).getMessage());
                assertEquals(1, r.untrackable());
                assertEquals(0, r.reregistered());

                m.write(50 * P, (byte) 1);
                assertSamePages(PageSets.of(50), collect(tracker, m, repairs), "the next collection skips it again");
            }
        }
    }

    @Test
    void untrackRemovesTheRegistrationAndCloseDropsEverything() {
        try (AnonymousMapping m = TestMemory.smallPages(16)) {
            WriteTracker tracker = WriteTracker.open();
            tracker.track(m.address(), m.end());
            tracker.untrack(m.address(), m.address() + 4 * P);
            assertSamePages(PageSets.range(4, 16), wpAllowed(m), "after untracking 0..3");
            tracker.close();
            assertTrue(tracker.userfaultfd().isClosed());
            assertSamePages(new BitSet(), wpAllowed(m), "after close");
            assertThrows(IllegalStateException.class,
                    () -> tracker.collect(m.address(), m.end(), (s, e, c) -> { }, RepairListener.NONE));
        }
    }

    @Test
    void rejectsInvalidRanges() {
        try (AnonymousMapping m = TestMemory.smallPages(4); WriteTracker tracker = WriteTracker.open()) {
            assertThrows(IllegalArgumentException.class, () -> tracker.track(m.address() + 1, m.end()));
            assertThrows(IllegalArgumentException.class, () -> tracker.track(m.end(), m.address()));
            assertThrows(IllegalArgumentException.class,
                    () -> tracker.collect(m.address() + 8, m.end(), (s, e, c) -> { }, RepairListener.NONE));
            assertThrows(IllegalArgumentException.class,
                    () -> tracker.collect(m.address(), m.address(), (s, e, c) -> { }, RepairListener.NONE));
        }
    }

    @Test
    void refusesToTrackARangeAnotherTrackerOwns() {
        try (AnonymousMapping m = TestMemory.smallPages(4);
             WriteTracker first = WriteTracker.open();
             WriteTracker second = WriteTracker.open()) {
            first.track(m.address(), m.end());
            KernelException e = assertThrows(KernelException.class, () -> second.track(m.address(), m.end()));
            assertEquals(Errno.EBUSY, e.errno());
        }
    }
}
