package dev.dirtypages.kernel.pagemap;

import static dev.dirtypages.kernel.PageSets.assertSamePages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.PageCollector;
import dev.dirtypages.kernel.PageSets;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A small output vector and the {@code max_pages} limit split a scan into several ioctls resumed at the
 * kernel's {@code walk_end}; the pages reported must be the same as one big scan's, each exactly once.
 */
@EnabledIfUserfaultfd
class ScanPagingTest {
    private static final int PAGES = 1024;
    private static final long P = Pages.SIZE;

    private AnonymousMapping m;
    private WriteTracker tracker;
    private BitSet written;

    @BeforeEach
    void writeAPatternOfManyRegions() {
        m = TestMemory.smallPages(PAGES);
        tracker = WriteTracker.open();
        tracker.track(m.address(), m.end());
        Random random = new Random(4242);
        written = new BitSet();
        for (int i = 0; i < 150; i++) {
            int start = random.nextInt(PAGES);
            written.set(start, Math.min(PAGES, start + 1 + random.nextInt(random.nextBoolean() ? 2 : 40)));
        }
        TestMemory.writePages(m, written, (byte) 1);
    }

    @AfterEach
    void tearDown() {
        tracker.close();
        m.close();
    }

    private List<PageRegion> bigScan(ScanQuery query) {
        try (PagemapScanner big = PagemapScanner.openSelf(PagemapScanner.DEFAULT_CAPACITY)) {
            return big.scan(m.address(), m.end(), query);
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 3, 7})
    void smallOutputVectorResumedAtWalkEndGivesTheSameRegionsAsABigOne(int capacity) {
        List<PageRegion> expected = bigScan(ScanQuery.WRITTEN);
        assertSamePages(written, PageSets.pagesOf(expected, m.address()), "the big scan");
        try (PagemapScanner small = PagemapScanner.openSelf(capacity)) {
            PageCollector got = new PageCollector(m.address(), m.end());
            ScanResult r = small.scan(m.address(), m.end(), ScanQuery.WRITTEN, got);
            assertEquals(expected, got.regions());
            assertEquals(expected.size(), r.regions());
            assertEquals(written.cardinality(), r.pages());
            assertTrue(r.ioctls() >= (expected.size() + capacity - 1) / capacity,
                    r.ioctls() + " ioctls cannot return " + expected.size() + " regions " + capacity + " at a time");
            assertEquals(m.end(), r.walkEnd());
            assertFalse(r.hitPageLimit());
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 1024})
    void smallOutputVectorWithWriteProtectReportsAndReArmsEveryPageOnce(int capacity) {
        try (PagemapScanner small = PagemapScanner.openSelf(capacity)) {
            PageCollector got = new PageCollector(m.address(), m.end());
            small.scan(m.address(), m.end(), ScanQuery.COLLECT_AND_REARM, got);
            assertSamePages(written, got.pages(), "collected through a vector of " + capacity);
            got.clear();
            small.scan(m.address(), m.end(), ScanQuery.COLLECT_AND_REARM, got);
            assertSamePages(new BitSet(), got.pages(), "everything was re-armed");
        }
    }

    @ParameterizedTest(name = "max {0} pages, capacity {1}, write-protect {2}")
    @CsvSource({
        "1, 1024, false", "5, 1024, false", "64, 1024, false", "1000, 1024, false",
        "1, 1, false", "3, 2, false",
        "1, 1024, true", "7, 1024, true", "64, 1, true", "5, 2, true",
    })
    void maxPagesResumedAtWalkEndCoversEveryPageExactlyOnce(int maxPages, int capacity, boolean writeProtect) {
        ScanQuery query = (writeProtect ? ScanQuery.COLLECT_AND_REARM : ScanQuery.WRITTEN).toBuilder()
                .maxPages(maxPages).build();
        BitSet seen = new BitSet();
        int scans = 0;
        try (PagemapScanner scanner = PagemapScanner.openSelf(capacity)) {
            long cursor = m.address();
            while (true) {
                PageCollector got = new PageCollector(cursor, m.end());
                ScanResult r = scanner.scan(cursor, m.end(), query, got);
                scans++;
                BitSet pages = shift(got.pages(), (int) ((cursor - m.address()) / P));
                assertTrue(r.pages() <= maxPages, r + " exceeds max_pages " + maxPages);
                assertEquals(pages.cardinality(), r.pages(), r.toString());
                assertFalse(pages.intersects(seen), "pages reported twice: " + PageSets.firstFew(intersection(pages, seen)));
                seen.or(pages);
                if (!r.hitPageLimit()) {
                    assertEquals(m.end(), r.walkEnd(), r.toString());
                    break;
                }
                assertEquals(maxPages, r.pages(), "stopped by the limit, so it was reached: " + r);
                assertTrue(Long.compareUnsigned(r.walkEnd(), cursor) > 0 && Pages.isAligned(r.walkEnd()), r.toString());
                cursor = r.walkEnd();
                assertTrue(scans <= PAGES, "no progress");
            }
        }
        assertSamePages(written, seen, "union of the limited scans");
        assertTrue(scans >= (written.cardinality() + maxPages - 1) / maxPages, scans + " scans");
        if (writeProtect) {
            List<PageRegion> after = bigScan(ScanQuery.COLLECT_AND_REARM);
            assertEquals(List.of(), after, "every page re-armed by the limited scans");
        }
    }

    @ParameterizedTest(name = "max {0} pages")
    @ValueSource(ints = {1, 10, 100})
    void pagesBeyondThePageLimitStayWrittenForTheNextScan(int maxPages) {
        ScanQuery limited = ScanQuery.COLLECT_AND_REARM.toBuilder().maxPages(maxPages).build();
        PageCollector first = new PageCollector(m.address(), m.end());
        ScanResult r = tracker.scanner().scan(m.address(), m.end(), limited, first);
        assertTrue(r.hitPageLimit(), r.toString());
        assertEquals(maxPages, first.pages().cardinality());
        PageCollector rest = new PageCollector(m.address(), m.end());
        tracker.scanner().scan(m.address(), m.end(), ScanQuery.COLLECT_AND_REARM, rest);
        assertSamePages(PageSets.minus(written, first.pages()), rest.pages(), "what the limited scan left");
    }

    private static BitSet shift(BitSet pages, int by) {
        BitSet out = new BitSet();
        pages.stream().forEach(p -> out.set(p + by));
        return out;
    }

    private static BitSet intersection(BitSet a, BitSet b) {
        BitSet out = (BitSet) a.clone();
        out.and(b);
        return out;
    }
}
