package dev.dirtypages.kernel.pagemap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dirtypages.kernel.pagemap.PagemapBinding.PmScanArg;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PAGEMAP_SCAN ABI of include/uapi/linux/fs.h (Linux 6.7). */
class PagemapAbiTest {
    private static final List<String> PM_SCAN_ARG_FIELDS = List.of("size", "flags", "start", "end", "walk_end", "vec",
            "vec_len", "max_pages", "category_inverted", "category_mask", "category_anyof_mask", "return_mask");

    @Test
    void requestNumberEqualsTheKernelHeader() {
        assertEquals(0xc0606610L, PagemapBinding.PAGEMAP_SCAN, "_IOWR('f', 16, struct pm_scan_arg)");
    }

    @Test
    void pmScanArgIsTwelveConsecutiveU64FieldsOf96Bytes() {
        assertEquals(96, PmScanArg.SIZE);
        assertEquals(96, new PmScanArg().size());
        for (int i = 0; i < PM_SCAN_ARG_FIELDS.size(); i++) {
            assertEquals(i * 8, PmScanArg.offsetOf(PM_SCAN_ARG_FIELDS.get(i)), PM_SCAN_ARG_FIELDS.get(i));
        }
    }

    @Test
    void pageRegionIsStartEndCategoriesOf24Bytes() {
        assertEquals(24, PagemapBinding.PageRegion.SIZE);
        assertEquals(24, new PagemapBinding.PageRegion().size());
        assertEquals(0, PagemapBinding.PageRegion.offsetOf("start"));
        assertEquals(8, PagemapBinding.PageRegion.offsetOf("end"));
        assertEquals(16, PagemapBinding.PageRegion.offsetOf("categories"));
    }

    @Test
    void flagAndCategoryBitsEqualTheKernelHeader() {
        assertEquals(1, PagemapBinding.PM_SCAN_WP_MATCHING);
        assertEquals(2, PagemapBinding.PM_SCAN_CHECK_WPASYNC);
        long[] categories = {PagemapBinding.PAGE_IS_WPALLOWED, PagemapBinding.PAGE_IS_WRITTEN, PagemapBinding.PAGE_IS_FILE,
                PagemapBinding.PAGE_IS_PRESENT, PagemapBinding.PAGE_IS_SWAPPED, PagemapBinding.PAGE_IS_PFNZERO,
                PagemapBinding.PAGE_IS_HUGE, PagemapBinding.PAGE_IS_SOFT_DIRTY, PagemapBinding.PAGE_IS_GUARD};
        for (int bit = 0; bit < categories.length; bit++) {
            assertEquals(1L << bit, categories[bit], "category bit " + bit);
        }
        assertEquals(0x1ff, PagemapBinding.ALL_KNOWN_CATEGORIES);
    }

    @Test
    void namesCategoryBitsAsTheKernelDoes() {
        assertEquals("none", PagemapBinding.categoryNames(0));
        assertEquals("WPALLOWED|WRITTEN", PagemapBinding.categoryNames(3));
        assertEquals("PRESENT|PFNZERO|GUARD", PagemapBinding.categoryNames(PagemapBinding.PAGE_IS_PRESENT
                | PagemapBinding.PAGE_IS_PFNZERO | PagemapBinding.PAGE_IS_GUARD));
        assertEquals("WRITTEN|bit9|bit63", PagemapBinding.categoryNames(2 | (1L << 9) | (1L << 63)));
    }

    @Test
    void pageRegionValueMeasuresItselfAndTestsCategories() {
        PageRegion r = new PageRegion(0x10000, 0x13000, PagemapBinding.PAGE_IS_WRITTEN | PagemapBinding.PAGE_IS_PRESENT);
        assertEquals(0x3000, r.bytes());
        assertEquals(0x3000 / dev.dirtypages.kernel.Pages.SIZE, r.pages());
        assertEquals(true, r.has(PagemapBinding.PAGE_IS_WRITTEN | PagemapBinding.PAGE_IS_PRESENT));
        assertEquals(false, r.has(PagemapBinding.PAGE_IS_WRITTEN | PagemapBinding.PAGE_IS_PFNZERO));
        assertEquals("[0x10000, 0x13000) WRITTEN|PRESENT", r.toString());
    }
}
