package dev.dirtypages.benchmarks;

import static dev.dirtypages.benchmarks.PagemapReader.PM_PRESENT;
import static dev.dirtypages.benchmarks.PagemapReader.PM_UFFD_WP;

import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.mman.MmanBinding;
import dev.dirtypages.kernel.pagemap.PageRegion;
import dev.dirtypages.kernel.pagemap.ScanQuery;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Checks on this kernel what {@link ScanRearmBenchmark}'s pagemap variants rely on: that bit 57 of a
 * {@code /proc/self/pagemap} entry ({@code PM_UFFD_WP}) is set on armed pages, populated or not, and clear
 * on pages written since, so that "bit 57 clear" is the same answer {@code PAGEMAP_SCAN} gives with
 * {@code PAGE_IS_WRITTEN}; and that {@code UFFDIO_WRITEPROTECT} re-arms as a {@code WP_MATCHING} scan does.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.dirtypages.benchmarks.PagemapUffdWpCheck</pre>
 *
 * Prints what it saw and exits with status 1 if any expectation fails.
 */
public final class PagemapUffdWpCheck {
    private static final int PAGES = 64;
    private static final int POPULATED = 32;

    private final List<String> failures = new ArrayList<>();

    private PagemapUffdWpCheck() {
    }

    public static void main(String[] args) {
        PagemapUffdWpCheck check = new PagemapUffdWpCheck();
        check.run();
        if (!check.failures.isEmpty()) {
            System.out.println("FAILED:");
            check.failures.forEach(f -> System.out.println("  " + f));
            System.exit(1);
        }
        System.out.println("OK: bit 57 clear <=> PAGEMAP_SCAN reports PAGE_IS_WRITTEN, in every state above");
    }

    private void run() {
        long length = PAGES * Pages.SIZE;
        try (AnonymousMapping m = AnonymousMapping.readWrite(length);
             PagemapReader pagemap = new PagemapReader(PAGES);
             WriteTracker tracker = WriteTracker.open();
             WriteProtect wp = new WriteProtect(tracker.userfaultfd().fd())) {
            m.advise(0, length, MmanBinding.MADV_NOHUGEPAGE);
            for (int p = 0; p < POPULATED; p++) {
                m.write(p * Pages.SIZE, (byte) 1);
            }
            System.out.printf("kernel %s, %d pages: 0-%d populated, %d-%d never touched%n",
                    System.getProperty("os.version"), PAGES, POPULATED - 1, POPULATED, PAGES - 1);

            show("before registration", m, pagemap);
            expectBit57(m, pagemap, "before registration", new int[0], range(0, PAGES));

            tracker.userfaultfd().register(m.address(), m.end());
            show("registered, not armed", m, pagemap);
            expectBit57(m, pagemap, "registered, not armed", new int[0], range(0, PAGES));
            expectSame(m, pagemap, tracker, "registered, not armed");

            tracker.arm(m.address(), m.end());
            show("armed by a WP_MATCHING scan", m, pagemap);
            expectBit57(m, pagemap, "armed", range(0, PAGES), new int[0]);
            expectSame(m, pagemap, tracker, "armed");

            int[] written = {0, 5, 40};
            for (int p : written) {
                m.write(p * Pages.SIZE, (byte) 2);
            }
            m.read(10 * Pages.SIZE);
            m.read(50 * Pages.SIZE);
            show("after writes to 0, 5 (populated), 40 (unpopulated); reads of 10, 50", m, pagemap);
            expectBit57(m, pagemap, "after writes", without(range(0, PAGES), written), written);
            expectSame(m, pagemap, tracker, "after writes");

            wp.arm(m.address(), m.end());
            show("re-armed by UFFDIO_WRITEPROTECT", m, pagemap);
            expectBit57(m, pagemap, "re-armed by UFFDIO_WRITEPROTECT", range(0, PAGES), new int[0]);
            expectSame(m, pagemap, tracker, "re-armed by UFFDIO_WRITEPROTECT");

            m.write(7 * Pages.SIZE, (byte) 3);
            m.write(60 * Pages.SIZE, (byte) 3);
            show("after writes to 7, 60", m, pagemap);
            expectBit57(m, pagemap, "after writes to 7, 60", without(range(0, PAGES), new int[] {7, 60}),
                    new int[] {7, 60});
            expectSame(m, pagemap, tracker, "after writes to 7, 60");
        }
    }

    /** One character per page: W = bit 57 set (write-protected), . = clear; upper case = present. */
    private static void show(String state, AnonymousMapping m, PagemapReader pagemap) {
        StringBuilder line = new StringBuilder();
        for (int p = 0; p < PAGES; p++) {
            long e = pagemap.entry(m.address() + p * Pages.SIZE);
            boolean wp = (e & PM_UFFD_WP) != 0;
            boolean present = (e & PM_PRESENT) != 0;
            line.append(wp ? (present ? 'W' : 'w') : (present ? 'P' : '.'));
        }
        System.out.printf("%-70s %s%n", state, line);
    }

    private void expectBit57(AnonymousMapping m, PagemapReader pagemap, String state, int[] set, int[] clear) {
        for (int p : set) {
            if ((pagemap.entry(m.address() + p * Pages.SIZE) & PM_UFFD_WP) == 0) {
                failures.add(state + ": page " + p + " has bit 57 clear, expected set");
            }
        }
        for (int p : clear) {
            if ((pagemap.entry(m.address() + p * Pages.SIZE) & PM_UFFD_WP) != 0) {
                failures.add(state + ": page " + p + " has bit 57 set, expected clear");
            }
        }
    }

    /** The pages with bit 57 clear are exactly those a read-only PAGEMAP_SCAN reports written. */
    private void expectSame(AnonymousMapping m, PagemapReader pagemap, WriteTracker tracker, String state) {
        TreeSet<Long> byPread = new TreeSet<>();
        pagemap.visitWritten(m.address(), m.end(), (s, e, c) -> {
            for (long a = s; a < e; a += Pages.SIZE) {
                byPread.add((a - m.address()) / Pages.SIZE);
            }
        });
        TreeSet<Long> byScan = new TreeSet<>();
        for (PageRegion r : tracker.scanner().scan(m.address(), m.end(), ScanQuery.WRITTEN)) {
            for (long a = r.start(); a < r.end(); a += Pages.SIZE) {
                byScan.add((a - m.address()) / Pages.SIZE);
            }
        }
        if (!byPread.equals(byScan)) {
            failures.add(state + ": pread (bit 57 clear) says " + compact(byPread) + ", PAGEMAP_SCAN says "
                    + compact(byScan));
        }
        System.out.printf("%-70s written per pread %s, per PAGEMAP_SCAN %s%n", "", compact(byPread), compact(byScan));
    }

    private static String compact(TreeSet<Long> pages) {
        return pages.size() == PAGES ? "all " + PAGES : pages.toString();
    }

    private static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    private static int[] without(int[] all, int[] drop) {
        return java.util.Arrays.stream(all).filter(p -> java.util.Arrays.stream(drop).noneMatch(d -> d == p)).toArray();
    }
}
