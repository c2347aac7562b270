package dev.dirtypages.kernel.pagemap;

import static dev.dirtypages.kernel.PageSets.assertSamePages;
import static dev.dirtypages.kernel.PageSets.minus;
import static dev.dirtypages.kernel.PageSets.pagesOf;
import static dev.dirtypages.kernel.PageSets.range;
import static dev.dirtypages.kernel.PageSets.union;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_PFNZERO;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_PRESENT;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_SWAPPED;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_WPALLOWED;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_WRITTEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.PageCollector;
import dev.dirtypages.kernel.PageSets;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.probe.CapabilityProbe;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The four masks of PAGEMAP_SCAN (required, any-of, inverted, return) on pages whose state is known, in the
 * spirit of tools/testing/selftests/mm/pagemap_ioctl.c. Non-modifying scans only.
 *
 * <p>The fixture, 64 pages: 0..47 registered and armed, of which {@link #WRITTEN} were written after arming
 * and {@link #READ} only read (mapped to the zero page), the rest untouched; 48..63 written (48..55) or read
 * (56..63) while registered, then unregistered: present, not WP-allowed.
 */
@EnabledIfUserfaultfd
class ScanMasksTest {
    private static final long P = Pages.SIZE;
    private static final int PAGES = 64;
    private static final int REGISTERED = 48;
    private static final BitSet WRITTEN = PageSets.of(1, 2, 3, 10, 20, 21, 40, 47);
    private static final BitSet READ = PageSets.of(5, 6, 30, 41, 46);
    private static final BitSet UNREGISTERED = range(REGISTERED, PAGES);

    private AnonymousMapping m;
    private WriteTracker tracker;
    private PagemapScanner scanner;

    @BeforeEach
    void setUp() {
        m = TestMemory.smallPages(PAGES);
        tracker = WriteTracker.open();
        tracker.track(m.address(), m.end());
        TestMemory.writePages(m, range(48, 56), (byte) 1);
        TestMemory.readPages(m, range(56, 64));
        tracker.userfaultfd().unregister(m.address() + REGISTERED * P, m.end());
        // Holes too (PTE markers): the tracker arms only pages holding data, and the masks are seen here on a range
        // armed in full.
        tracker.userfaultfd().writeProtect(m.address(), m.address() + REGISTERED * P, true);
        TestMemory.writePages(m, WRITTEN, (byte) 2);
        TestMemory.readPages(m, READ);
        scanner = PagemapScanner.openSelf(PagemapScanner.DEFAULT_CAPACITY);
    }

    @AfterEach
    void tearDown() {
        scanner.close();
        tracker.close();
        m.close();
    }

    private BitSet scan(ScanQuery query) {
        PageCollector pages = new PageCollector(m.address(), m.end());
        scanner.scan(m.address(), m.end(), query, pages);
        return pages.pages();
    }

    @Test
    void requiredMaskSelectsPagesWithAllItsCategories() {
        assertSamePages(union(union(WRITTEN, READ), UNREGISTERED),
                scan(ScanQuery.builder().require(PAGE_IS_PRESENT).build()), "PRESENT");
        assertSamePages(union(READ, range(56, 64)),
                scan(ScanQuery.builder().require(PAGE_IS_PFNZERO).build()), "PFNZERO: read, never written");
        assertSamePages(READ,
                scan(ScanQuery.builder().require(PAGE_IS_PFNZERO | PAGE_IS_WPALLOWED).build()), "PFNZERO and WPALLOWED");
        assertSamePages(WRITTEN,
                scan(ScanQuery.builder().require(PAGE_IS_WRITTEN | PAGE_IS_WPALLOWED).build()),
                "WRITTEN and WPALLOWED: reading an armed page is not a write");
    }

    @Test
    void invertedMaskExcludesPagesWithTheCategory() {
        assertSamePages(minus(range(0, REGISTERED), union(WRITTEN, READ)),
                scan(ScanQuery.builder().exclude(PAGE_IS_PRESENT).build()), "not PRESENT: the untouched pages");
        assertSamePages(UNREGISTERED,
                scan(ScanQuery.builder().exclude(PAGE_IS_WPALLOWED).build()), "not WPALLOWED: the unregistered part");
        assertSamePages(UNREGISTERED, scan(ScanQuery.NOT_WP_ALLOWED), "ScanQuery.NOT_WP_ALLOWED");
        assertSamePages(union(WRITTEN, range(48, 56)),
                scan(ScanQuery.builder().require(PAGE_IS_PRESENT).exclude(PAGE_IS_PFNZERO).build()),
                "PRESENT but not PFNZERO: pages with their own memory");
    }

    @Test
    void anyOfMaskSelectsPagesWithAtLeastOneCategory() {
        assertSamePages(union(WRITTEN, READ),
                scan(ScanQuery.builder().require(PAGE_IS_WPALLOWED).anyOf(PAGE_IS_WRITTEN | PAGE_IS_PFNZERO).build()),
                "WPALLOWED and (WRITTEN or PFNZERO)");
        assertSamePages(range(56, 64),
                scan(ScanQuery.builder().require(PAGE_IS_PFNZERO).anyOf(PAGE_IS_WRITTEN | PAGE_IS_SWAPPED).build()),
                "PFNZERO and (WRITTEN or SWAPPED): only the zero pages whose protection went with the registration");
    }

    @Test
    void returnMaskLimitsTheReportedCategoriesAndMergesRegionsAlongIt() {
        PageCollector present = new PageCollector(m.address(), m.end());
        scanner.scan(m.address(), m.address() + REGISTERED * P, ScanQuery.builder().returning(PAGE_IS_PRESENT).build(),
                present);
        BitSet presentPages = union(WRITTEN, READ);
        List<PageRegion> expected = new ArrayList<>();
        int p = 0;
        while (p < REGISTERED) {
            boolean isPresent = presentPages.get(p);
            int end = isPresent ? presentPages.nextClearBit(p) : Math.min(REGISTERED, nextSet(presentPages, p));
            expected.add(new PageRegion(m.address() + p * P, m.address() + end * P, isPresent ? PAGE_IS_PRESENT : 0));
            p = end;
        }
        assertEquals(expected, present.regions(), "one region per run of equal PRESENT-ness, nothing but PRESENT reported");
    }

    private static int nextSet(BitSet s, int from) {
        int next = s.nextSetBit(from);
        return next < 0 ? Integer.MAX_VALUE : next;
    }

    @Test
    void emptyReturnMaskReportsOneRegionPerContiguousMatch() {
        PageCollector all = new PageCollector(m.address(), m.end());
        scanner.scan(m.address(), m.end(), ScanQuery.builder().returning(0).build(), all);
        assertEquals(List.of(new PageRegion(m.address(), m.end(), 0)), all.regions());
    }

    /**
     * For random queries the kernel's selection equals {@link ScanQuery#matches} applied to each page's
     * categories from a scan that filters nothing: the Java rule is the kernel's.
     */
    @Test
    void kernelSelectsExactlyThePagesScanQueryMatches() {
        long supported = CapabilityProbe.capabilities().pageCategories();
        long[] categories = new long[PAGES];
        scanner.scan(m.address(), m.end(), ScanQuery.builder().returning(supported).build(), (s, e, c) -> {
            for (long a = s; a < e; a += P) {
                categories[(int) ((a - m.address()) / P)] = c;
            }
        });
        assertTrue(java.util.Arrays.stream(categories).distinct().count() >= 4,
                "the fixture must offer several kinds of pages: " + java.util.Arrays.toString(categories));
        long used = java.util.Arrays.stream(categories).reduce(0, (a, b) -> a | b);
        Random random = new Random(7);
        int nonTrivial = 0;
        for (int q = 0; q < 300; q++) {
            long inverted = random.nextLong() & used;
            long required = random.nextLong() & random.nextLong() & used;
            long anyOf = random.nextBoolean() ? 0 : random.nextLong() & used;
            ScanQuery query = ScanQuery.builder().inverted(inverted).require(required).anyOf(anyOf)
                    .returning(random.nextBoolean() ? supported : 0).build();
            BitSet expected = new BitSet();
            for (int p = 0; p < PAGES; p++) {
                if (query.matches(categories[p])) {
                    expected.set(p);
                }
            }
            if (expected.cardinality() > 0 && expected.cardinality() < PAGES) {
                nonTrivial++;
            }
            assertSamePages(expected, pagesOf(scanner.scan(m.address(), m.end(), query), m.address()), query.toString());
        }
        assertTrue(nonTrivial >= 50, "only " + nonTrivial + " queries selected a proper subset");
    }
}
