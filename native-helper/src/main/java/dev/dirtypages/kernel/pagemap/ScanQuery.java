package dev.dirtypages.kernel.pagemap;

import static dev.dirtypages.kernel.pagemap.PagemapBinding.ALL_KNOWN_CATEGORIES;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_PFNZERO;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_PRESENT;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_SWAPPED;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_WPALLOWED;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_WRITTEN;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PM_SCAN_CHECK_WPASYNC;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PM_SCAN_WP_MATCHING;

/**
 * What a {@code PAGEMAP_SCAN} asks: the flags, the four masks and the page limit. Immutable; build one
 * once and reuse it.
 *
 * <p>In the kernel's terms a page matches when {@code ((categories ^ inverted) & required) == required}
 * and, if {@code anyOf} is set, {@code (categories ^ inverted) & anyOf != 0}. {@link Builder#exclude}
 * expresses "must not have" by setting a bit in both {@code inverted} and {@code required}.
 */
public final class ScanQuery {
    /**
     * Written pages that hold data (present or swapped, not the shared zero page), reported and re-armed in one
     * atomic step; EPERM where a VMA lost its registration.
     *
     * <p>Holes are neither reported nor armed. The kernel counts a hole of a registered range as written until a
     * write-protecting scan puts a PTE marker on it, and a marker costs page tables wherever the range is
     * reserved but unused; and a write to a marker faults twice (populate, then write-protect). Left unarmed, a
     * hole costs nothing, and the write that populates it leaves a present, unprotected page that the next scan
     * reports. A read of a hole maps the zero page ({@code PAGE_IS_PFNZERO}): not a write, not reported, not armed.
     * What a hole no longer reports: an armed page dropped by {@code MADV_DONTNEED} reads as a hole again, so its
     * return to zero is not reported (its next write is).
     */
    public static final ScanQuery COLLECT_AND_REARM = populatedWritten()
            .flags(PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC).build();

    /**
     * Written pages that hold data, reported only: the arming is left as it is (a read-only observer, e.g. of
     * another process). Holes are left out as in {@link #COLLECT_AND_REARM}.
     */
    public static final ScanQuery WRITTEN = populatedWritten().build();

    /** Written, present or swapped, not the zero page. */
    private static Builder populatedWritten() {
        return builder().require(PAGE_IS_WRITTEN).exclude(PAGE_IS_PFNZERO).anyOf(PAGE_IS_PRESENT | PAGE_IS_SWAPPED)
                .returning(PAGE_IS_WRITTEN);
    }

    /** Pages of VMAs not registered in write-protect-async mode: what lost its registration. */
    public static final ScanQuery NOT_WP_ALLOWED = builder()
            .exclude(PAGE_IS_WPALLOWED).returning(PAGE_IS_WPALLOWED).build();

    private final long flags;
    private final long inverted;
    private final long required;
    private final long anyOf;
    private final long returnMask;
    private final long maxPages;

    private ScanQuery(Builder b) {
        this.flags = b.flags;
        this.inverted = b.inverted;
        this.required = b.required;
        this.anyOf = b.anyOf;
        this.returnMask = b.returnMask;
        this.maxPages = b.maxPages;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this query. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.flags = flags;
        b.inverted = inverted;
        b.required = required;
        b.anyOf = anyOf;
        b.returnMask = returnMask;
        b.maxPages = maxPages;
        b.requiredNotExcluded = required & ~inverted;
        return b;
    }

    public long flags() {
        return flags;
    }

    public long categoryInverted() {
        return inverted;
    }

    public long categoryMask() {
        return required;
    }

    public long categoryAnyofMask() {
        return anyOf;
    }

    public long returnMask() {
        return returnMask;
    }

    /** The most pages to report in one {@code scan} (0: no limit). */
    public long maxPages() {
        return maxPages;
    }

    public boolean writeProtectsMatches() {
        return (flags & PM_SCAN_WP_MATCHING) != 0;
    }

    /** The kernel's matching rule, for tests and for filtering fixture data the same way. */
    public boolean matches(long categories) {
        long c = categories ^ inverted;
        return (c & required) == required && (anyOf == 0 || (c & anyOf) != 0);
    }

    @Override
    public String toString() {
        return String.format("ScanQuery[flags=0x%x, inverted=0x%x, mask=0x%x, anyof=0x%x, return=0x%x, maxPages=%d]",
                flags, inverted, required, anyOf, returnMask, maxPages);
    }

    /** Builds a {@link ScanQuery}; bits outside those the kernel defines are rejected here, not by EINVAL. */
    public static final class Builder {
        private long flags;
        private long inverted;
        private long required;
        private long anyOf;
        private long returnMask = ALL_KNOWN_CATEGORIES;
        private long maxPages;
        /** Bits asked for by {@link #require}, to catch a bit also excluded. */
        private long requiredNotExcluded;
        /** {@link #inverted} was set directly: the caller speaks the kernel's terms, no overlap is checked. */
        private boolean raw;

        private Builder() {
        }

        /** {@code PM_SCAN_WP_MATCHING} and/or {@code PM_SCAN_CHECK_WPASYNC}. */
        public Builder flags(long flags) {
            if ((flags & ~(PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC)) != 0) {
                throw new IllegalArgumentException(String.format("unknown PAGEMAP_SCAN flags 0x%x", flags));
            }
            this.flags = flags;
            return this;
        }

        /** Pages must have every one of {@code categories}. */
        public Builder require(long categories) {
            checkCategories(categories);
            this.required |= categories;
            this.requiredNotExcluded |= categories;
            return this;
        }

        /** Pages must have none of {@code categories}. */
        public Builder exclude(long categories) {
            checkCategories(categories);
            this.required |= categories;
            this.inverted |= categories;
            return this;
        }

        /** Pages must have at least one of {@code categories}. */
        public Builder anyOf(long categories) {
            checkCategories(categories);
            this.anyOf |= categories;
            return this;
        }

        /** The raw {@code category_inverted} mask, for callers that speak the kernel's terms. */
        public Builder inverted(long categories) {
            checkCategories(categories);
            this.inverted = categories;
            this.raw = true;
            return this;
        }

        /** The categories reported per region; fewer bits make longer regions. */
        public Builder returning(long categories) {
            checkCategories(categories);
            this.returnMask = categories;
            return this;
        }

        /**
         * Report at most {@code pages} pages per {@code scan} (0: no limit). With write-protection, the kernel
         * (6.18) handles a huge page whole: under a limit smaller than a huge page it neither reports nor arms
         * it, and the walk ends. The page stays written for the next scan, so nothing is lost, but such a
         * limited scan under-reports huge pages.
         */
        public Builder maxPages(long pages) {
            if (pages < 0) {
                throw new IllegalArgumentException("maxPages must be >= 0: " + pages);
            }
            this.maxPages = pages;
            return this;
        }

        /**
         * @throws IllegalArgumentException when a bit is both required (or any-of) and excluded: the kernel
         *         would read it with the inverted meaning, which is never what the caller meant
         */
        public ScanQuery build() {
            long excluded = inverted & required;
            if (raw) {
                return new ScanQuery(this);
            }
            if ((anyOf & inverted) != 0) {
                throw new IllegalArgumentException(String.format(
                        "categories 0x%x are both excluded and any-of: the kernel would match their absence",
                        anyOf & inverted));
            }
            if ((excluded & requiredNotExcluded) != 0) {
                throw new IllegalArgumentException(String.format(
                        "categories 0x%x are both required and excluded", excluded & requiredNotExcluded));
            }
            return new ScanQuery(this);
        }

        private static void checkCategories(long categories) {
            if ((categories & ~ALL_KNOWN_CATEGORIES) != 0) {
                throw new IllegalArgumentException(String.format("unknown page categories 0x%x", categories));
            }
        }
    }
}
