package dev.dirtypages.kernel.mman;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Memory mappings (sys/mman.h, asm-generic/mman-common.h): mmap, munmap, mprotect, madvise.
 * The values are Linux's generic ones, the same on x86_64 and aarch64.
 */
public final class MmanBinding {
    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;

    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_HUGETLB = 0x40000;

    public static final int MADV_DONTNEED = 4;
    public static final int MADV_HUGEPAGE = 14;
    public static final int MADV_NOHUGEPAGE = 15;

    /** {@code (void *) -1}. */
    public static final long MAP_FAILED = -1L;

    static {
        Native.register(MmanBinding.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private MmanBinding() {
    }

    public static native long mmap(long addr, long length, int prot, int flags, int fd, long offset)
            throws LastErrorException;

    public static native int munmap(long addr, long length) throws LastErrorException;

    public static native int mprotect(long addr, long length, int prot) throws LastErrorException;

    public static native int madvise(long addr, long length, int advice) throws LastErrorException;

    /** A pointer view of an address (for JNA's bounds-free accessors). */
    public static Pointer pointer(long address) {
        return new Pointer(address);
    }
}
