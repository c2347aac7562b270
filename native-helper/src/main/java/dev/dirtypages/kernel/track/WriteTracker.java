package dev.dirtypages.kernel.track;

import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_WRITTEN;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PM_SCAN_WP_MATCHING;

import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.pagemap.PageRegion;
import dev.dirtypages.kernel.pagemap.PagemapScanner;
import dev.dirtypages.kernel.pagemap.RegionVisitor;
import dev.dirtypages.kernel.pagemap.ScanQuery;
import dev.dirtypages.kernel.pagemap.ScanResult;
import dev.dirtypages.kernel.uffd.Userfaultfd;
import java.util.ArrayList;
import java.util.List;

/**
 * Write tracking of address ranges: one userfaultfd in write-protect-async mode to register and arm
 * them, one {@link PagemapScanner} to collect what was written and re-arm it in the same atomic step.
 *
 * <p>A range keeps being tracked when its owner replaces VMAs inside it: {@link #collect} notices the
 * lost registration (EPERM from {@code PM_SCAN_CHECK_WPASYNC}), finds the unregistered stretches,
 * registers them again and reports all of their pages as written (their content did change: it became
 * fresh zero pages), so that no write is ever dropped silently.
 *
 * <p>Only pages that hold data are armed; holes are left unarmed, so that tracking a large reservation costs
 * no page tables for the part never used, and a fresh page's first write faults once, not twice (see
 * {@link ScanQuery#COLLECT_AND_REARM}).
 *
 * <p>Not thread-safe beyond what the scanner serialises: use it from one tracking thread.
 */
public final class WriteTracker implements AutoCloseable {
    /**
     * Arms: write-protects every page holding data that is not yet, reporting nothing. Holes stay unarmed and cost
     * no page tables (see {@link ScanQuery#COLLECT_AND_REARM}).
     */
    private static final ScanQuery ARM = ScanQuery.COLLECT_AND_REARM.toBuilder().flags(PM_SCAN_WP_MATCHING).build();

    /** Repairs per collection before giving up on a range that keeps changing under us. */
    private static final int MAX_REPAIR_ROUNDS = 64;

    private final Userfaultfd uffd;
    private final PagemapScanner scanner;

    public WriteTracker(Userfaultfd uffd, PagemapScanner scanner) {
        this.uffd = uffd;
        this.scanner = scanner;
    }

    /** A tracker with its own userfaultfd and a scanner of this process with the default capacity. */
    public static WriteTracker open() {
        Userfaultfd uffd = Userfaultfd.openForWriteTracking();
        try {
            return new WriteTracker(uffd, PagemapScanner.openSelf(PagemapScanner.DEFAULT_CAPACITY));
        } catch (RuntimeException e) {
            uffd.close();
            throw e;
        }
    }

    public Userfaultfd userfaultfd() {
        return uffd;
    }

    public PagemapScanner scanner() {
        return scanner;
    }

    /**
     * Registers {@code [start, end)} and arms it: the first interval that {@link #collect} reports starts
     * now. Holes in the range are allowed (they are skipped); a range entirely unmapped is not.
     *
     * @throws KernelException e.g. {@code EBUSY} when another userfaultfd owns part of the range
     */
    public void track(long start, long end) {
        uffd.register(start, end);
        arm(start, end);
    }

    /**
     * Registers {@code [start, end)} without arming it: the first {@link #collect} reports every page that holds
     * data, written since the memory was mapped, whoever wrote it and however long before. For memory that was in
     * use before tracking began (a JVM's heap, found once the application runs), so that nothing written before
     * is lost.
     *
     * @throws KernelException as {@link #track}
     */
    public void trackWrittenSinceMapped(long start, long end) {
        uffd.register(start, end);
    }

    /** Write-protects every page of {@code [start, end)} again, forgetting what was written so far. */
    public void arm(long start, long end) {
        scanner.scan(start, end, ARM, RegionVisitor.IGNORE);
    }

    /** Stops tracking {@code [start, end)}; its write protection is removed. */
    public void untrack(long start, long end) {
        uffd.unregister(start, end);
    }

    /**
     * Reports every page of {@code [start, end)} written since the previous collection (or since it was
     * armed) to {@code written}, re-arming each page atomically with its report, and repairs lost
     * registrations on the way. Collect only ranges this tracker tracks: any part of the range that is
     * not registered counts as a lost registration and is registered.
     */
    public CollectResult collect(long start, long end, RegionVisitor written, RepairListener repairs) {
        end = Pages.alignUp(end);
        Pages.checkRange(start, end);
        List<long[]> skipped = new ArrayList<>(0);
        long cursor = start;
        long regions = 0;
        long pages = 0;
        int ioctls = 0;
        int reregistered = 0;
        int rounds = 0;
        while (Long.compareUnsigned(cursor, end) < 0) {
            cursor = skipPast(skipped, cursor);
            if (Long.compareUnsigned(cursor, end) >= 0) {
                break;
            }
            long segmentEnd = nextSkipStart(skipped, cursor, end);
            ScanResult scan = scanner.scan(cursor, segmentEnd, ScanQuery.COLLECT_AND_REARM, written);
            regions += scan.regions();
            pages += scan.pages();
            ioctls += scan.ioctls();
            if (!scan.lostRegistration()) {
                cursor = segmentEnd;
                continue;
            }
            cursor = scan.walkEnd();
            // The kernel stops at the unregistered VMA without saying where it is: ask which pages are not
            // WP-allowed, and repair the first such stretch: scan what lies below it (the walk may have stopped
            // short of it), register it, report it whole (its content changed: the remap made it fresh zero pages,
            // which a rescan would not report, holes being left unarmed), arm what it holds, and go on past it.
            // One stretch at a time keeps the reports in address order.
            List<PageRegion> lost = scanner.scan(cursor, segmentEnd, ScanQuery.NOT_WP_ALLOWED);
            ioctls++;
            if (!lost.isEmpty() && Long.compareUnsigned(cursor, lost.get(0).start()) < 0) {
                ScanResult below = scanner.scan(cursor, lost.get(0).start(), ScanQuery.COLLECT_AND_REARM, written);
                regions += below.regions();
                pages += below.pages();
                ioctls += below.ioctls();
                if (below.lostRegistration()) {
                    cursor = below.walkEnd();
                    lost = List.of(); // changed again meanwhile: look again
                }
            }
            if (lost.isEmpty()) {
                // No progress: the mappings changed between the two scans. Bounded, so that a range that keeps
                // changing cannot hold the scan.
                if (++rounds > MAX_REPAIR_ROUNDS) {
                    repairs.untrackable(cursor, segmentEnd, new KernelException(
                            String.format("repairing [0x%x, 0x%x)", cursor, segmentEnd), 0,
                            "its mappings kept changing during " + MAX_REPAIR_ROUNDS + " repairs; retried next time"));
                    skipped.add(new long[] {cursor, segmentEnd});
                }
                continue;
            }
            PageRegion stretch = lost.get(0);
            try {
                uffd.register(stretch.start(), stretch.end());
                written.visit(stretch.start(), stretch.end(), PAGE_IS_WRITTEN);
                pages += Pages.count(stretch.start(), stretch.end());
                regions++;
                arm(stretch.start(), stretch.end());
                reregistered++;
                repairs.reregistered(stretch.start(), stretch.end());
            } catch (KernelException e) {
                skipped.add(new long[] {stretch.start(), stretch.end()});
                repairs.untrackable(stretch.start(), stretch.end(), e);
            }
            cursor = stretch.end();
        }
        return new CollectResult(regions, pages, ioctls, reregistered, skipped.size());
    }

    private static long skipPast(List<long[]> skipped, long cursor) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (long[] skip : skipped) {
                if (Long.compareUnsigned(skip[0], cursor) <= 0 && Long.compareUnsigned(skip[1], cursor) > 0) {
                    cursor = skip[1];
                    moved = true;
                }
            }
        }
        return cursor;
    }

    private static long nextSkipStart(List<long[]> skipped, long cursor, long end) {
        long next = end;
        for (long[] skip : skipped) {
            if (Long.compareUnsigned(skip[0], cursor) > 0 && Long.compareUnsigned(skip[0], next) < 0) {
                next = skip[0];
            }
        }
        return next;
    }

    /** Closes the scanner and the userfaultfd: the kernel drops every registration and its protection. */
    @Override
    public void close() {
        try {
            scanner.close();
        } finally {
            uffd.close();
        }
    }
}
