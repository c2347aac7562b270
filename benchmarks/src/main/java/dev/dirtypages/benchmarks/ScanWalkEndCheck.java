package dev.dirtypages.benchmarks;

import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGEMAP_SCAN;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_WRITTEN;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.libc.FileDescriptor;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.mman.MmanBinding;
import dev.dirtypages.kernel.pagemap.PagemapBinding;
import dev.dirtypages.kernel.pagemap.PagemapBinding.PmScanArg;
import dev.dirtypages.kernel.pagemap.PagemapScanner;
import dev.dirtypages.kernel.pagemap.RegionVisitor;
import dev.dirtypages.kernel.pagemap.ScanQuery;
import dev.dirtypages.kernel.pagemap.ScanResult;
import dev.dirtypages.kernel.track.WriteTracker;

/**
 * Shows the {@code walk_end} that one read-only {@code PAGEMAP_SCAN} hands back when it reports more
 * regions than the kernel's internal buffer of 512 holds, and what a caller that resumes from it gets.
 *
 * <p>Seen on Linux 6.18: {@code do_pagemap_scan} flushes its 512-region buffer each time it fills and
 * goes on walking; each flush sets {@code walk_end}, and the final pass, which reaches the end of the
 * range, does not reset it ("if (!p.arg.walk_end) p.arg.walk_end = p.arg.end" only fills an unset one).
 * So the ioctl reports regions up to the end of the range but says it stopped at the last flush, and
 * resuming there reports the tail twice. With {@code WP_MATCHING} the tail is already re-armed, so the
 * resumed call only re-walks it.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.dirtypages.benchmarks.ScanWalkEndCheck</pre>
 */
public final class ScanWalkEndCheck {
    private ScanWalkEndCheck() {
    }

    public static void main(String[] args) {
        long length = 64L << 20;
        long pages = length / Pages.SIZE;
        int stride = 16;
        int vecLen = 2048;
        long expected = pages / stride;
        try (AnonymousMapping m = AnonymousMapping.readWrite(length);
             WriteTracker tracker = WriteTracker.open();
             FileDescriptor pagemap = FileDescriptor.openReadOnly("/proc/self/pagemap");
             Memory arg = new Memory(PmScanArg.SIZE);
             Memory vec = new Memory((long) vecLen * PagemapBinding.PageRegion.SIZE)) {
            m.advise(0, length, MmanBinding.MADV_NOHUGEPAGE);
            Pointer p = new Pointer(m.address());
            for (long i = 0; i < pages; i++) {
                p.setByte(i * Pages.SIZE, (byte) 1);
            }
            tracker.track(m.address(), m.end());
            for (long i = 0; i < pages; i += stride) {
                p.setByte(i * Pages.SIZE, (byte) 2);
            }
            System.out.printf("kernel %s: %d MiB, one page in %d written since arming: %d written pages, "
                    + "each its own region%n", System.getProperty("os.version"), length >> 20, stride, expected);

            arg.clear(PmScanArg.SIZE);
            arg.setLong(PmScanArg.offsetOf("size"), PmScanArg.SIZE);
            arg.setLong(PmScanArg.offsetOf("start"), m.address());
            arg.setLong(PmScanArg.offsetOf("end"), m.end());
            arg.setLong(PmScanArg.offsetOf("vec"), Pointer.nativeValue(vec));
            arg.setLong(PmScanArg.offsetOf("vec_len"), vecLen);
            arg.setLong(PmScanArg.offsetOf("category_mask"), PAGE_IS_WRITTEN);
            arg.setLong(PmScanArg.offsetOf("return_mask"), PAGE_IS_WRITTEN);
            int filled = PagemapBinding.ioctl(pagemap.fd(), PAGEMAP_SCAN, arg);
            long walkEnd = arg.getLong(PmScanArg.offsetOf("walk_end"));
            long lastEnd = filled > 0 ? vec.getLong((long) (filled - 1) * PagemapBinding.PageRegion.SIZE + 8) : 0;
            System.out.printf("one read-only PAGEMAP_SCAN, vec_len %d: %d regions, the last ending at page %d; "
                    + "walk_end = page %d of %d%n", vecLen, filled, (lastEnd - m.address()) / Pages.SIZE,
                    (walkEnd - m.address()) / Pages.SIZE, pages);

            for (int capacity : new int[] {vecLen, 512}) {
                try (PagemapScanner scanner = PagemapScanner.openSelf(capacity)) {
                    ScanResult r = scanner.scan(m.address(), m.end(), ScanQuery.WRITTEN, RegionVisitor.IGNORE);
                    System.out.printf("PagemapScanner capacity %4d, read-only: %d pages in %d ioctls (%s)%n",
                            capacity, r.pages(), r.ioctls(), r.pages() == expected ? "right"
                                    : (r.pages() - expected) + " pages reported twice");
                }
            }
            try (PagemapScanner scanner = PagemapScanner.openSelf(vecLen)) {
                ScanResult r = scanner.scan(m.address(), m.end(), ScanQuery.COLLECT_AND_REARM, RegionVisitor.IGNORE);
                System.out.printf("PagemapScanner capacity %4d, WP_MATCHING: %d pages in %d ioctls (%s)%n",
                        vecLen, r.pages(), r.ioctls(), r.pages() == expected ? "right" : "WRONG");
            }
        }
    }
}
