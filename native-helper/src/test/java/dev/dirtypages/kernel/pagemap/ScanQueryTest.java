package dev.dirtypages.kernel.pagemap;

import static dev.dirtypages.kernel.pagemap.PagemapBinding.ALL_KNOWN_CATEGORIES;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_PFNZERO;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_PRESENT;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_SWAPPED;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_WPALLOWED;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_WRITTEN;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PM_SCAN_CHECK_WPASYNC;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PM_SCAN_WP_MATCHING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** {@link ScanQuery}: the builder's checks and {@link ScanQuery#matches} against the kernel's rule. */
class ScanQueryTest {
    /**
     * pagemap_scan_is_interesting_page() of fs/proc/task_mmu.c, transcribed:
     * <pre>
     * categories ^= p->arg.category_inverted;
     * if ((categories & p->arg.category_mask) != p->arg.category_mask) return false;
     * if (p->arg.category_anyof_mask && !(categories & p->arg.category_anyof_mask)) return false;
     * return true;
     * </pre>
     */
    private static boolean kernelRule(long categories, long inverted, long mask, long anyof) {
        categories ^= inverted;
        if ((categories & mask) != mask) {
            return false;
        }
        return anyof == 0 || (categories & anyof) != 0;
    }

    @Test
    void matchesExactlyAsTheKernelRuleForEveryCategoryCombination() {
        Random random = new Random(20240611L);
        for (int q = 0; q < 2000; q++) {
            long inverted = random.nextLong() & ALL_KNOWN_CATEGORIES;
            long required = random.nextInt(4) == 0 ? 0 : random.nextLong() & random.nextLong() & ALL_KNOWN_CATEGORIES;
            long anyOf = random.nextInt(3) == 0 ? 0 : random.nextLong() & ALL_KNOWN_CATEGORIES;
            ScanQuery query = ScanQuery.builder().inverted(inverted).require(required).anyOf(anyOf).build();
            assertEquals(inverted, query.categoryInverted());
            assertEquals(required, query.categoryMask());
            assertEquals(anyOf, query.categoryAnyofMask());
            for (long c = 0; c <= ALL_KNOWN_CATEGORIES; c++) {
                if (query.matches(c) != kernelRule(c, inverted, required, anyOf)) {
                    throw new AssertionError(query + " on categories 0x" + Long.toHexString(c) + ": ScanQuery says "
                            + query.matches(c));
                }
            }
        }
    }

    @Test
    void requireMeansEveryOneOfTheCategories() {
        ScanQuery q = ScanQuery.builder().require(PAGE_IS_WRITTEN | PAGE_IS_PRESENT).build();
        assertTrue(q.matches(PAGE_IS_WRITTEN | PAGE_IS_PRESENT | PAGE_IS_WPALLOWED));
        assertFalse(q.matches(PAGE_IS_WRITTEN));
    }

    @Test
    void excludeMeansNoneOfTheCategoriesThroughTheInvertedMask() {
        ScanQuery q = ScanQuery.builder().exclude(PAGE_IS_WPALLOWED).build();
        assertEquals(PAGE_IS_WPALLOWED, q.categoryInverted());
        assertEquals(PAGE_IS_WPALLOWED, q.categoryMask());
        assertTrue(q.matches(PAGE_IS_WRITTEN));
        assertFalse(q.matches(PAGE_IS_WPALLOWED | PAGE_IS_WRITTEN));
        ScanQuery both = ScanQuery.builder().require(PAGE_IS_PRESENT).exclude(PAGE_IS_PFNZERO).build();
        assertTrue(both.matches(PAGE_IS_PRESENT));
        assertFalse(both.matches(PAGE_IS_PRESENT | PAGE_IS_PFNZERO));
        assertFalse(both.matches(0));
    }

    @Test
    void anyOfMeansAtLeastOneOfTheCategories() {
        ScanQuery q = ScanQuery.builder().anyOf(PAGE_IS_WRITTEN | PAGE_IS_SWAPPED).build();
        assertTrue(q.matches(PAGE_IS_SWAPPED));
        assertTrue(q.matches(PAGE_IS_WRITTEN | PAGE_IS_PRESENT));
        assertFalse(q.matches(PAGE_IS_PRESENT));
        assertTrue(ScanQuery.builder().build().matches(0), "an empty query matches everything");
    }

    @Test
    void predefinedQueriesAskWhatTheirNamesSay() {
        ScanQuery collect = ScanQuery.COLLECT_AND_REARM;
        assertEquals(PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC, collect.flags());
        assertTrue(collect.writeProtectsMatches());
        assertEquals(PAGE_IS_WRITTEN | PAGE_IS_PFNZERO, collect.categoryMask());
        assertEquals(PAGE_IS_PFNZERO, collect.categoryInverted());
        assertEquals(PAGE_IS_PRESENT | PAGE_IS_SWAPPED, collect.categoryAnyofMask());
        assertEquals(PAGE_IS_WRITTEN, collect.returnMask());
        assertEquals(0, collect.maxPages());
        assertTrue(collect.matches(PAGE_IS_WRITTEN | PAGE_IS_PRESENT) && collect.matches(PAGE_IS_WRITTEN | PAGE_IS_SWAPPED));
        assertFalse(collect.matches(PAGE_IS_WRITTEN), "a hole is neither reported nor armed");
        assertFalse(collect.matches(PAGE_IS_WRITTEN | PAGE_IS_PRESENT | PAGE_IS_PFNZERO), "nor the zero page");

        assertEquals(0, ScanQuery.WRITTEN.flags());
        assertFalse(ScanQuery.WRITTEN.writeProtectsMatches());
        assertTrue(ScanQuery.WRITTEN.matches(PAGE_IS_WRITTEN | PAGE_IS_PRESENT) && !ScanQuery.WRITTEN.matches(PAGE_IS_PRESENT));
        assertFalse(ScanQuery.WRITTEN.matches(PAGE_IS_WRITTEN), "holes are left out");

        assertTrue(ScanQuery.NOT_WP_ALLOWED.matches(PAGE_IS_WRITTEN));
        assertFalse(ScanQuery.NOT_WP_ALLOWED.matches(PAGE_IS_WPALLOWED));
    }

    @Test
    void returnsEveryKnownCategoryUnlessToldOtherwise() {
        assertEquals(ALL_KNOWN_CATEGORIES, ScanQuery.builder().build().returnMask());
        assertEquals(0, ScanQuery.builder().returning(0).build().returnMask());
    }

    @Test
    void toBuilderCopiesEveryField() {
        ScanQuery q = ScanQuery.builder().flags(PM_SCAN_WP_MATCHING).inverted(PAGE_IS_PFNZERO).require(PAGE_IS_PRESENT)
                .anyOf(PAGE_IS_WRITTEN).returning(PAGE_IS_PRESENT).maxPages(17).build();
        ScanQuery copy = q.toBuilder().build();
        assertEquals(q.toString(), copy.toString());
        assertEquals(18, q.toBuilder().maxPages(18).build().maxPages());
        assertEquals(17, q.maxPages(), "the original is immutable");
        assertTrue(q.toString().contains("maxPages=17") && q.toString().contains("flags=0x1"), q.toString());
    }

    @Test
    void rejectsFlagsAndCategoriesTheKernelDoesNotDefine() {
        assertRejects(b -> b.flags(1L << 2), "unknown PAGEMAP_SCAN flags 0x4");
        assertRejects(b -> b.require(1L << 9), "unknown page categories 0x200");
        assertRejects(b -> b.exclude(1L << 63), "unknown page categories 0x8000000000000000");
        assertRejects(b -> b.anyOf(1L << 10), "unknown page categories 0x400");
        assertRejects(b -> b.inverted(1L << 20), "unknown page categories 0x100000");
        assertRejects(b -> b.returning(-1L), "unknown page categories 0xffffffffffffffff");
        assertRejects(b -> b.maxPages(-1), "maxPages must be >= 0: -1");
    }

    private static void assertRejects(Consumer<ScanQuery.Builder> step, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> step.accept(ScanQuery.builder()));
        assertEquals(message, e.getMessage());
    }
}
