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
import dev.dirtypages.kernel.mman.MmanBinding;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.BitSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mmap(MAP_FIXED)} inside a registered range replaces the VMA with one that has no registration
 * (HotSpot commits and uncommits its heap so). What the scanner makes of it.
 */
@EnabledIfUserfaultfd
class LostRegistrationScanTest {
    private static final long P = Pages.SIZE;
    private static final BitSet BEFORE = PageSets.of(1, 3, 5, 7, 9);
    private static final BitSet REMAPPED = PageSets.range(16, 32);

    private AnonymousMapping m;
    private WriteTracker tracker;

    @BeforeEach
    void remapPartOfATrackedRange() {
        m = TestMemory.smallPages(64);
        tracker = WriteTracker.open();
        tracker.track(m.address(), m.end());
        tracker.userfaultfd().writeProtect(m.address(), m.end(), true); // holes too: the raw query below would report them
        TestMemory.writePages(m, BEFORE, (byte) 1);
        m.remapFixed(16 * P, 16 * P, MmanBinding.PROT_READ | MmanBinding.PROT_WRITE);
        m.write(40 * P, (byte) 1);
    }

    @AfterEach
    void tearDown() {
        tracker.close();
        m.close();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 64})
    void checkWpasyncStopsAtTheLostVmaAfterReportingEverythingBeforeIt(int capacity) {
        try (PagemapScanner scanner = PagemapScanner.openSelf(capacity)) {
            PageCollector got = new PageCollector(m.address(), m.end());
            ScanResult r = scanner.scan(m.address(), m.end(), ScanQuery.COLLECT_AND_REARM, got);
            assertTrue(r.lostRegistration(), r.toString());
            assertSamePages(BEFORE, got.pages(), "reported before the lost VMA (the kernel re-armed them already)");
            assertEquals(BEFORE.cardinality(), r.pages());
            assertTrue(r.walkEnd() >= m.address() + 10 * P && r.walkEnd() <= m.address() + 16 * P,
                    "walkEnd between the last region reported and the lost VMA, where a repair resumes: " + r);
            assertFalse(r.hitPageLimit());

            PageCollector again = new PageCollector(m.address(), m.end());
            scanner.scan(m.address(), m.address() + 16 * P, ScanQuery.COLLECT_AND_REARM, again);
            assertSamePages(new BitSet(), again.pages(), "the pages reported with the EPERM were re-armed");

            PageCollector lost = new PageCollector(m.address(), m.end());
            scanner.scan(m.address(), m.end(), ScanQuery.NOT_WP_ALLOWED, lost);
            assertSamePages(REMAPPED, lost.pages(), "NOT_WP_ALLOWED finds exactly the remapped stretch");
        }
    }

    @Test
    void withoutCheckWpasyncTheLostVmaIsSilentlySkipped() {
        ScanQuery wpWithoutCheck = ScanQuery.builder().flags(PagemapBinding.PM_SCAN_WP_MATCHING)
                .require(PagemapBinding.PAGE_IS_WRITTEN).returning(PagemapBinding.PAGE_IS_WRITTEN).build();
        m.write(20 * P, (byte) 1); // a write the registration no longer sees
        try (PagemapScanner scanner = PagemapScanner.openSelf(8)) {
            PageCollector got = new PageCollector(m.address(), m.end());
            ScanResult r = scanner.scan(m.address(), m.end(), wpWithoutCheck, got);
            assertFalse(r.lostRegistration());
            assertSamePages(PageSets.union(BEFORE, PageSets.of(40)), got.pages(),
                    "the write at 20 is lost without PM_SCAN_CHECK_WPASYNC: why COLLECT_AND_REARM sets it");
        }
    }
}
