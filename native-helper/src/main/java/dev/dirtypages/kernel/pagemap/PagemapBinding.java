package dev.dirtypages.kernel.pagemap;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import dev.dirtypages.kernel.libc.Ioctl;

/**
 * The {@code PAGEMAP_SCAN} ioctl on {@code /proc/<pid>/pagemap}, from include/uapi/linux/fs.h
 * (merged in Linux 6.7). These are the merged names; the 2022-2023 patch reviews used older ones
 * ({@code PM_SCAN_OP_GET}, {@code required_mask}, {@code excluded_mask}, {@code PAGE_IS_SD}).
 *
 * <p>A page matches a scan when {@code ((categories ^ category_inverted) & category_mask) == category_mask}
 * and, if {@code category_anyof_mask} is set, {@code (categories ^ category_inverted) & anyof != 0}.
 */
public final class PagemapBinding {
    /** Write-protect the matching pages, atomically with reporting them. */
    public static final long PM_SCAN_WP_MATCHING = 1L << 0;
    /** Fail with EPERM where a VMA is not registered in write-protect-async mode. */
    public static final long PM_SCAN_CHECK_WPASYNC = 1L << 1;

    public static final long PAGE_IS_WPALLOWED = 1L << 0;
    public static final long PAGE_IS_WRITTEN = 1L << 1;
    public static final long PAGE_IS_FILE = 1L << 2;
    public static final long PAGE_IS_PRESENT = 1L << 3;
    public static final long PAGE_IS_SWAPPED = 1L << 4;
    public static final long PAGE_IS_PFNZERO = 1L << 5;
    public static final long PAGE_IS_HUGE = 1L << 6;
    public static final long PAGE_IS_SOFT_DIRTY = 1L << 7;
    /** Newer than 6.7: probe it; an unknown bit makes the ioctl fail with EINVAL. */
    public static final long PAGE_IS_GUARD = 1L << 8;

    /** Every category bit this layer knows. */
    public static final long ALL_KNOWN_CATEGORIES = (1L << 9) - 1;

    /** {@code _IOWR('f', 16, struct pm_scan_arg)}. */
    public static final long PAGEMAP_SCAN = Ioctl.iowr('f', 16, PmScanArg.SIZE);

    static {
        Native.register(PagemapBinding.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private PagemapBinding() {
    }

    /** The scan: returns the number of {@code page_region} entries filled. */
    public static native int ioctl(int fd, long request, Pointer argument) throws LastErrorException;

    /** {@code struct pm_scan_arg}: twelve u64 fields, 96 bytes. */
    @FieldOrder({"size", "flags", "start", "end", "walk_end", "vec", "vec_len", "max_pages",
            "category_inverted", "category_mask", "category_anyof_mask", "return_mask"})
    public static final class PmScanArg extends Structure {
        public static final int SIZE = 96;

        public long size;
        public long flags;
        public long start;
        public long end;
        /** Written by the kernel: where the walk stopped (resume there). */
        public long walk_end;
        public long vec;
        public long vec_len;
        public long max_pages;
        public long category_inverted;
        public long category_mask;
        public long category_anyof_mask;
        public long return_mask;

        /** The byte offset of {@code field}, for writing the structure in place without reflection. */
        public static int offsetOf(String field) {
            return new PmScanArg().fieldOffset(field);
        }
    }

    /** {@code struct page_region}: {@code [start, end)} with the categories all its pages share. */
    @FieldOrder({"start", "end", "categories"})
    public static final class PageRegion extends Structure {
        public static final int SIZE = 24;

        public long start;
        public long end;
        public long categories;

        public static int offsetOf(String field) {
            return new PageRegion().fieldOffset(field);
        }
    }

    /** The names of the category bits set in {@code categories}, e.g. {@code "WPALLOWED|WRITTEN"}. */
    public static String categoryNames(long categories) {
        String[] names = {"WPALLOWED", "WRITTEN", "FILE", "PRESENT", "SWAPPED", "PFNZERO", "HUGE", "SOFT_DIRTY", "GUARD"};
        StringBuilder out = new StringBuilder();
        for (int bit = 0; bit < 64; bit++) {
            if ((categories & (1L << bit)) != 0) {
                if (out.length() > 0) {
                    out.append('|');
                }
                out.append(bit < names.length ? names[bit] : "bit" + bit);
            }
        }
        return out.length() == 0 ? "none" : out.toString();
    }
}
