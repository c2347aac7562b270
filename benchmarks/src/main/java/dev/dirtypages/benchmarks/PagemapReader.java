package dev.dirtypages.benchmarks;

import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_WRITTEN;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.libc.FileDescriptor;
import dev.dirtypages.kernel.libc.LibcBinding;
import dev.dirtypages.kernel.pagemap.RegionVisitor;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

/**
 * The old way to the answer {@code PAGEMAP_SCAN} gives: {@code pread} of {@code /proc/self/pagemap}, 8 bytes
 * a page (Documentation/admin-guide/mm/pagemap.rst), into one reusable native buffer read through a
 * {@link LongBuffer} view, so that a read allocates nothing.
 *
 * <p>A page counts as written when its entry has bit 57 ({@code PM_UFFD_WP}, "pte is uffd-wp
 * write-protected") clear: the async write-protect fault clears it, arming sets it, also on unpopulated
 * pages (a PTE marker). That is only meaningful inside a range registered in write-protect mode and
 * armed; soft-dirty (bit 55) is not available on the project's kernel ({@code CONFIG_MEM_SOFT_DIRTY} off).
 */
final class PagemapReader implements AutoCloseable {
    static final long PM_SOFT_DIRTY = 1L << 55;
    static final long PM_MMAP_EXCLUSIVE = 1L << 56;
    static final long PM_UFFD_WP = 1L << 57;
    static final long PM_FILE = 1L << 61;
    static final long PM_SWAP = 1L << 62;
    static final long PM_PRESENT = 1L << 63;

    private static final int ENTRY_BYTES = Long.BYTES;

    private final FileDescriptor pagemap = FileDescriptor.openReadOnly("/proc/self/pagemap");
    private final int capacity;
    private final Memory buffer;
    private final LongBuffer entries;

    /** A reader that fetches up to {@code capacityPages} entries per {@code pread}. */
    PagemapReader(int capacityPages) {
        this.capacity = capacityPages;
        this.buffer = new Memory((long) capacityPages * ENTRY_BYTES);
        this.entries = buffer.getByteBuffer(0, buffer.size()).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /**
     * Passes each run of written pages of {@code [start, end)} (bit 57 clear) to {@code visitor}, as
     * {@code PAGEMAP_SCAN} with {@code PAGE_IS_WRITTEN} would, and returns the number of written pages.
     */
    long visitWritten(long start, long end, RegionVisitor visitor) {
        Pages.checkRange(start, end);
        int fd = pagemap.fd();
        long written = 0;
        long runStart = -1;
        long cursor = start;
        while (cursor < end) {
            int n = read(fd, cursor, end);
            for (int i = 0; i < n; i++) {
                long page = cursor + i * Pages.SIZE;
                if ((entries.get(i) & PM_UFFD_WP) == 0) {
                    written++;
                    if (runStart < 0) {
                        runStart = page;
                    }
                } else if (runStart >= 0) {
                    visitor.visit(runStart, page, PAGE_IS_WRITTEN);
                    runStart = -1;
                }
            }
            cursor += n * Pages.SIZE;
        }
        if (runStart >= 0) {
            visitor.visit(runStart, end, PAGE_IS_WRITTEN);
        }
        return written;
    }

    /** Pages of {@code [start, end)} whose entry has every bit of {@code mask} set. */
    long countWithAll(long start, long end, long mask) {
        Pages.checkRange(start, end);
        int fd = pagemap.fd();
        long count = 0;
        long cursor = start;
        while (cursor < end) {
            int n = read(fd, cursor, end);
            for (int i = 0; i < n; i++) {
                if ((entries.get(i) & mask) == mask) {
                    count++;
                }
            }
            cursor += n * Pages.SIZE;
        }
        return count;
    }

    /** The raw entry of the page at {@code address}. */
    long entry(long address) {
        long page = Pages.alignDown(address);
        read(pagemap.fd(), page, page + Pages.SIZE);
        return entries.get(0);
    }

    /** Reads the entries of {@code [cursor, min(end, cursor + capacity pages))} into the buffer; returns how many. */
    private int read(int fd, long cursor, long end) {
        long want = Math.min(capacity, (end - cursor) / Pages.SIZE);
        long offset = cursor / Pages.SIZE * ENTRY_BYTES;
        long got;
        try {
            got = LibcBinding.pread(fd, buffer, want * ENTRY_BYTES, offset);
        } catch (LastErrorException e) {
            throw new KernelException(String.format("pread /proc/self/pagemap at 0x%x", cursor), e.getErrorCode(), null);
        }
        if (got < ENTRY_BYTES) {
            throw new IllegalStateException(String.format("pread /proc/self/pagemap at 0x%x returned %d", cursor, got));
        }
        return (int) (got / ENTRY_BYTES);
    }

    @Override
    public void close() {
        pagemap.close();
        buffer.close();
    }
}
