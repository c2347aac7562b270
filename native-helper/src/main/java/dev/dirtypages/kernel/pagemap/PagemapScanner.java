package dev.dirtypages.kernel.pagemap;

import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGEMAP_SCAN;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PM_SCAN_CHECK_WPASYNC;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.dirtypages.kernel.Errno;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.KernelRelease;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.libc.FileDescriptor;
import dev.dirtypages.kernel.pagemap.PagemapBinding.PmScanArg;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code PAGEMAP_SCAN} over an open {@code /proc/<pid>/pagemap}, with its argument block and output
 * vector allocated once and reused: a scan allocates no native memory and no object per region.
 *
 * <p>One {@link #scan} covers a whole range, calling the ioctl as often as the output vector's
 * capacity requires and resuming from the kernel's {@code walk_end}; regions the vector's boundary
 * split are merged again before the visitor sees them.
 *
 * <p>Calls are serialised: the buffers belong to the scanner. Close it to free them.
 */
public final class PagemapScanner implements AutoCloseable {
    /**
     * The most regions one ioctl is asked for. The kernel gathers regions in a buffer of 512
     * ({@code PAGEMAP_WALK_SIZE >> PAGE_SHIFT}); asked for more, it walks in several rounds within one call
     * and, on 6.18, leaves {@code walk_end} at the end of the first round even when the walk reached the end
     * of the range, so that resuming there reports the tail twice. At most 512 per call keeps
     * {@code walk_end} exact.
     */
    public static final int REGIONS_PER_IOCTL = 512;

    /** The output vector this layer uses by default: {@link #REGIONS_PER_IOCTL} regions, 12 KiB. */
    public static final int DEFAULT_CAPACITY = REGIONS_PER_IOCTL;

    private static final int OFF_SIZE = PmScanArg.offsetOf("size");
    private static final int OFF_FLAGS = PmScanArg.offsetOf("flags");
    private static final int OFF_START = PmScanArg.offsetOf("start");
    private static final int OFF_END = PmScanArg.offsetOf("end");
    private static final int OFF_WALK_END = PmScanArg.offsetOf("walk_end");
    private static final int OFF_VEC = PmScanArg.offsetOf("vec");
    private static final int OFF_VEC_LEN = PmScanArg.offsetOf("vec_len");
    private static final int OFF_MAX_PAGES = PmScanArg.offsetOf("max_pages");
    private static final int OFF_INVERTED = PmScanArg.offsetOf("category_inverted");
    private static final int OFF_MASK = PmScanArg.offsetOf("category_mask");
    private static final int OFF_ANYOF = PmScanArg.offsetOf("category_anyof_mask");
    private static final int OFF_RETURN = PmScanArg.offsetOf("return_mask");
    private static final int REGION_LONGS = PagemapBinding.PageRegion.SIZE / Long.BYTES;

    private final FileDescriptor pagemap;
    private final String path;
    private final int capacity;
    /** Regions asked for per ioctl: the capacity, at most {@link #REGIONS_PER_IOCTL}. */
    private final int perIoctl;
    private final Memory arg = new Memory(PmScanArg.SIZE);
    private final Memory vec;
    private final long[] regions;

    private PagemapScanner(FileDescriptor pagemap, String path, int capacity) {
        this.pagemap = pagemap;
        this.path = path;
        this.capacity = capacity;
        this.perIoctl = Math.min(capacity, REGIONS_PER_IOCTL);
        this.vec = new Memory((long) perIoctl * PagemapBinding.PageRegion.SIZE);
        this.regions = new long[perIoctl * REGION_LONGS];
    }

    /** A scanner of this process's memory with an output vector of {@code capacity} regions. */
    public static PagemapScanner openSelf(int capacity) {
        return open("/proc/self/pagemap", capacity);
    }

    /** A scanner of another process's memory (needs ptrace read access to it). */
    public static PagemapScanner openProcess(int pid, int capacity) {
        if (pid <= 0) {
            throw new IllegalArgumentException("not a process id: " + pid);
        }
        return open("/proc/" + pid + "/pagemap", capacity);
    }

    private static PagemapScanner open(String path, int capacity) {
        if (capacity < 1 || capacity > (1 << 20)) {
            throw new IllegalArgumentException("capacity must be 1.." + (1 << 20) + " regions: " + capacity);
        }
        return new PagemapScanner(FileDescriptor.openReadOnly(path), path, capacity);
    }

    /** The output vector's capacity, in regions (each ioctl asks for at most {@link #REGIONS_PER_IOCTL}). */
    public int capacity() {
        return capacity;
    }

    /** Scans {@code [start, end)} and returns the regions as values: for tests and cold paths. */
    public List<PageRegion> scan(long start, long end, ScanQuery query) {
        List<PageRegion> out = new ArrayList<>();
        scan(start, end, query, (s, e, c) -> out.add(new PageRegion(s, e, c)));
        return out;
    }

    /**
     * Scans {@code [start, end)} with {@code query}, passing each matching region to {@code visitor} in
     * address order. {@code start} must be page-aligned; {@code end} is rounded up to a page.
     *
     * <p>With {@code PM_SCAN_CHECK_WPASYNC}, a VMA that is not registered in write-protect-async mode
     * stops the scan: the regions found before it (already re-armed by the kernel) are still passed on,
     * and the result says {@link ScanResult#lostRegistration()}. The kernel does not say where that VMA
     * is; {@link ScanQuery#NOT_WP_ALLOWED} finds it.
     *
     * @throws KernelException          when the kernel rejects the scan (the message names why)
     * @throws IllegalArgumentException for a range that is not page-aligned or is empty
     */
    public synchronized ScanResult scan(long start, long end, ScanQuery query, RegionVisitor visitor) {
        end = Pages.alignUp(end);
        Pages.checkRange(start, end);
        boolean checkWpAsync = (query.flags() & PM_SCAN_CHECK_WPASYNC) != 0;
        long pagesLeft = query.maxPages();
        long cursor = start;
        long regionCount = 0;
        long pageCount = 0;
        int calls = 0;
        boolean lost = false;
        boolean hitLimit = false;
        long pendingStart = -1;
        long pendingEnd = -1;
        long pendingCategories = 0;

        int fd = pagemap.fd();
        while (Long.compareUnsigned(cursor, end) < 0) {
            writeArg(cursor, end, query, pagesLeft);
            if (checkWpAsync) {
                // On EPERM the kernel returns -1, not the count it filled: zeroed slots let us count them,
                // and those pages are already re-armed, so they must not be dropped.
                vec.clear((long) perIoctl * PagemapBinding.PageRegion.SIZE);
            }
            int filled;
            calls++;
            try {
                filled = PagemapBinding.ioctl(fd, PAGEMAP_SCAN, arg);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EPERM && checkWpAsync) {
                    filled = countFilled();
                    lost = true;
                } else {
                    throw new KernelException(String.format("PAGEMAP_SCAN [0x%x, 0x%x) on %s", cursor, end, path),
                            e.getErrorCode(), explain(e.getErrorCode(), query));
                }
            }
            if (filled > 0) {
                vec.read(0, regions, 0, filled * REGION_LONGS);
            }
            long pagesThisCall = 0;
            for (int i = 0; i < filled; i++) {
                long s = regions[i * REGION_LONGS];
                long e = regions[i * REGION_LONGS + 1];
                long c = regions[i * REGION_LONGS + 2];
                pagesThisCall += Pages.count(s, e);
                if (s == pendingEnd && c == pendingCategories) {
                    pendingEnd = e;
                } else {
                    if (pendingStart >= 0) {
                        visitor.visit(pendingStart, pendingEnd, pendingCategories);
                        regionCount++;
                    }
                    pendingStart = s;
                    pendingEnd = e;
                    pendingCategories = c;
                }
            }
            pageCount += pagesThisCall;
            if (lost) {
                cursor = filled > 0 ? regions[(filled - 1) * REGION_LONGS + 1] : cursor;
                break;
            }
            long walkEnd = arg.getLong(OFF_WALK_END);
            if (query.maxPages() > 0) {
                pagesLeft -= pagesThisCall;
                if (pagesLeft <= 0) {
                    hitLimit = Long.compareUnsigned(walkEnd, end) < 0;
                    cursor = walkEnd;
                    break;
                }
            }
            if (Long.compareUnsigned(walkEnd, cursor) <= 0) {
                throw new IllegalArgumentException(String.format(
                        "PAGEMAP_SCAN made no progress at 0x%x: with write-protection a huge page is scanned "
                                + "whole, so maxPages (%d) must be at least the pages of one huge page and the "
                                + "range must not start or end inside one", cursor, query.maxPages()));
            }
            if (filled < perIoctl) {
                // The kernel stops early only when the vector is full or the page limit is reached (handled
                // above): fewer regions than asked for means the walk reached the end of the range.
                cursor = end;
                break;
            }
            cursor = walkEnd;
        }
        if (pendingStart >= 0) {
            visitor.visit(pendingStart, pendingEnd, pendingCategories);
            regionCount++;
        }
        return new ScanResult(regionCount, pageCount, calls, cursor, hitLimit, lost);
    }

    private void writeArg(long start, long end, ScanQuery query, long maxPages) {
        arg.setLong(OFF_SIZE, PmScanArg.SIZE);
        arg.setLong(OFF_FLAGS, query.flags());
        arg.setLong(OFF_START, start);
        arg.setLong(OFF_END, end);
        arg.setLong(OFF_WALK_END, 0);
        arg.setLong(OFF_VEC, com.sun.jna.Pointer.nativeValue(vec));
        arg.setLong(OFF_VEC_LEN, perIoctl);
        arg.setLong(OFF_MAX_PAGES, maxPages);
        arg.setLong(OFF_INVERTED, query.categoryInverted());
        arg.setLong(OFF_MASK, query.categoryMask());
        arg.setLong(OFF_ANYOF, query.categoryAnyofMask());
        arg.setLong(OFF_RETURN, query.returnMask());
    }

    private int countFilled() {
        vec.read(0, regions, 0, perIoctl * REGION_LONGS);
        int n = 0;
        while (n < perIoctl && regions[n * REGION_LONGS + 1] != 0) {
            n++;
        }
        return n;
    }

    static String explain(int errno, ScanQuery query) {
        switch (errno) {
            case Errno.ENOTTY:
                if (KernelRelease.currentAtLeast(6, 7)) {
                    return "the ioctl is refused although this kernel (" + KernelRelease.current() + ") has it (since 6.7): "
                            + "a seccomp filter or sandbox blocks it; allow it there";
                }
                return "this kernel has no PAGEMAP_SCAN ioctl (it needs Linux 6.7 or newer, running "
                        + KernelRelease.current() + "); upgrade the kernel";
            case Errno.EINVAL:
                return "the kernel rejected the arguments (" + query + "): a category bit it does not know "
                        + "(PAGE_IS_GUARD needs a kernel newer than 6.7) or a misaligned start";
            case Errno.EFAULT:
                return "the range lies outside the process's address space";
            case Errno.EPERM:
                return "a VMA in the range is not registered in write-protect-async mode";
            case Errno.EACCES:
                return "no permission to read that process's page tables (ptrace access is needed)";
            default:
                return null;
        }
    }

    @Override
    public synchronized void close() {
        if (!pagemap.isClosed()) {
            pagemap.close();
            arg.close();
            vec.close();
        }
    }

    @Override
    public String toString() {
        return "PagemapScanner[" + path + ", " + capacity + " regions]";
    }
}
