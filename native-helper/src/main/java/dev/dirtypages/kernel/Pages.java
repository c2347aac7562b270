package dev.dirtypages.kernel;

import dev.dirtypages.kernel.libc.LibcBinding;

/** The base page size of this machine and the alignment arithmetic every range here needs. */
public final class Pages {
    /** Bytes in a base page, read once from the C library. */
    public static final long SIZE = LibcBinding.getpagesize();

    private static final long MASK = SIZE - 1;

    private Pages() {
    }

    public static boolean isAligned(long address) {
        return (address & MASK) == 0;
    }

    public static long alignDown(long address) {
        return address & ~MASK;
    }

    public static long alignUp(long address) {
        return (address + MASK) & ~MASK;
    }

    /** Pages in {@code [start, end)}, both page-aligned. */
    public static long count(long start, long end) {
        return (end - start) / SIZE;
    }

    /** Checks that {@code [start, end)} is a non-empty page-aligned range, naming what is wrong otherwise. */
    public static void checkRange(long start, long end) {
        if (!isAligned(start) || !isAligned(end)) {
            throw new IllegalArgumentException(String.format(
                    "range [0x%x, 0x%x) is not aligned to the %d-byte page size", start, end, SIZE));
        }
        if (Long.compareUnsigned(start, end) >= 0) {
            throw new IllegalArgumentException(String.format("range [0x%x, 0x%x) is empty or inverted", start, end));
        }
    }
}
