package dev.dirtypages.kernel;

import dev.dirtypages.kernel.libc.LibcBinding;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The base page size of this machine and the alignment arithmetic every range here needs. */
public final class Pages {
    /** {@code AT_PAGESZ} in include/uapi/linux/auxvec.h: the auxiliary vector's entry for the page size. */
    static final long AT_PAGESZ = 6;

    /**
     * Bytes in a base page, read once: from the auxiliary vector the kernel gave the process, which needs no
     * native library (the agent's premain aligns addresses before JNA may load), else from the C library.
     */
    public static final long SIZE = pageSize();

    private static final long MASK = SIZE - 1;

    private Pages() {
    }

    private static long pageSize() {
        try (InputStream in = new FileInputStream("/proc/self/auxv")) {
            long size = fromAuxv(in.readAllBytes());
            if (size > 0) {
                return size;
            }
        } catch (IOException | RuntimeException e) {
            // Read it from the C library below.
        }
        return LibcBinding.getpagesize();
    }

    /** {@code AT_PAGESZ} of an auxiliary vector (64-bit, native byte order), or 0 when it has none. */
    static long fromAuxv(byte[] auxv) {
        ByteBuffer b = ByteBuffer.wrap(auxv).order(ByteOrder.nativeOrder());
        while (b.remaining() >= 16) {
            long type = b.getLong();
            long value = b.getLong();
            if (type == AT_PAGESZ) {
                return value;
            }
            if (type == 0) {
                break;
            }
        }
        return 0;
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
