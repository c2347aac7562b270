package dev.dirtypages.kernel.mman;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import dev.dirtypages.kernel.KernelException;

/**
 * An anonymous private mapping this process owns, unmapped on {@link #close()}. Used by the
 * tests, samples and benchmarks as memory whose every write is known.
 */
public final class AnonymousMapping implements AutoCloseable {
    private final long address;
    private final long length;
    private final Pointer pointer;
    private boolean closed;

    private AnonymousMapping(long address, long length) {
        this.address = address;
        this.length = length;
        this.pointer = new Pointer(address);
    }

    /** {@code length} bytes, readable and writable. */
    public static AnonymousMapping readWrite(long length) {
        return map(0, length, MmanBinding.PROT_READ | MmanBinding.PROT_WRITE, 0);
    }

    /** {@code length} bytes reserved with no access, as HotSpot reserves its heap. */
    public static AnonymousMapping reserve(long length) {
        return map(0, length, MmanBinding.PROT_NONE, MmanBinding.MAP_NORESERVE);
    }

    /** {@code length} bytes of hugetlb pages (the default huge page size); fails when none are reserved. */
    public static AnonymousMapping hugetlb(long length) {
        return map(0, length, MmanBinding.PROT_READ | MmanBinding.PROT_WRITE, MmanBinding.MAP_HUGETLB);
    }

    /** {@code length} bytes starting at an address aligned to {@code alignment} (a power of two). */
    public static AnonymousMapping aligned(long length, long alignment) {
        if (Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        AnonymousMapping over = reserve(length + alignment);
        long start = (over.address + alignment - 1) & -alignment;
        // Trim the reservation to the aligned part, then make that part accessible.
        unmap(over.address, start - over.address);
        unmap(start + length, over.address + over.length - (start + length));
        AnonymousMapping aligned = new AnonymousMapping(start, length);
        aligned.protect(0, length, MmanBinding.PROT_READ | MmanBinding.PROT_WRITE);
        return aligned;
    }

    private static AnonymousMapping map(long hint, long length, int prot, int extraFlags) {
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive: " + length);
        }
        try {
            long address = MmanBinding.mmap(hint, length, prot,
                    MmanBinding.MAP_PRIVATE | MmanBinding.MAP_ANONYMOUS | extraFlags, -1, 0);
            return new AnonymousMapping(address, length);
        } catch (LastErrorException e) {
            throw new KernelException("mmap " + length + " bytes", e.getErrorCode(),
                    (extraFlags & MmanBinding.MAP_HUGETLB) != 0
                            ? "no free hugetlb pages; reserve some with: echo N > /proc/sys/vm/nr_hugepages"
                            : null);
        }
    }

    private static void unmap(long address, long length) {
        if (length > 0) {
            try {
                MmanBinding.munmap(address, length);
            } catch (LastErrorException e) {
                throw new KernelException("munmap", e.getErrorCode(), null);
            }
        }
    }

    public long address() {
        return address;
    }

    public long length() {
        return length;
    }

    public long end() {
        return address + length;
    }

    /** The address of byte {@code offset}, checked to lie inside the mapping, which must still be mapped. */
    public long at(long offset) {
        if (closed) {
            // Touching or remapping an unmapped (and possibly reused) address would crash the JVM or clobber memory.
            throw new IllegalStateException(this + " is closed");
        }
        if (offset < 0 || offset >= length) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside a mapping of " + length + " bytes");
        }
        return address + offset;
    }

    /** Writes one byte at {@code offset}: the way tests make a page written at an address they know. */
    public void write(long offset, byte value) {
        pointer.setByte(at(offset) - address, value);
    }

    public byte read(long offset) {
        return pointer.getByte(at(offset) - address);
    }

    /** {@code mprotect} of {@code [offset, offset + len)}. */
    public void protect(long offset, long len, int prot) {
        try {
            MmanBinding.mprotect(at(offset), len, prot);
        } catch (LastErrorException e) {
            throw new KernelException("mprotect", e.getErrorCode(), null);
        }
    }

    /** {@code madvise} of {@code [offset, offset + len)}. */
    public void advise(long offset, long len, int advice) {
        try {
            MmanBinding.madvise(at(offset), len, advice);
        } catch (LastErrorException e) {
            throw new KernelException("madvise " + advice, e.getErrorCode(), null);
        }
    }

    /**
     * Maps fresh anonymous memory over {@code [offset, offset + len)} with {@code MAP_FIXED}, as
     * HotSpot commits and uncommits its heap: the new VMA carries no userfaultfd registration.
     */
    public void remapFixed(long offset, long len, int prot) {
        try {
            MmanBinding.mmap(at(offset), len, prot,
                    MmanBinding.MAP_PRIVATE | MmanBinding.MAP_ANONYMOUS | MmanBinding.MAP_FIXED, -1, 0);
        } catch (LastErrorException e) {
            throw new KernelException("mmap MAP_FIXED", e.getErrorCode(), null);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            unmap(address, length);
        }
    }

    @Override
    public String toString() {
        return String.format("AnonymousMapping[0x%x, 0x%x)", address, address + length);
    }
}
