package dev.dirtypages.benchmarks;

import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.pagemap.RegionVisitor;
import dev.dirtypages.kernel.pagemap.ScanQuery;
import dev.dirtypages.kernel.track.RepairListener;
import dev.dirtypages.kernel.track.WriteTracker;

/**
 * Why the agent only reads a freed block's pages and leaves re-arming them to the next scan: what one page
 * costs, written and then either read ({@code PAGEMAP_SCAN} without {@code WP_MATCHING}) or collected (read and
 * re-armed, which write-protects the page again), alone and with a second thread of the process running on
 * the other CPU. Write-protecting a present page flushes it from the TLB of every CPU that runs a thread of
 * the process: an inter-processor interrupt, which the read never needs.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.dirtypages.benchmarks.FreeReadCost</pre>
 */
public final class FreeReadCost {
    private static final int PAGES = 1000;
    private static final int OPS = 100_000;
    private static volatile boolean stop;

    private FreeReadCost() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("one page written, then read or collected; microseconds per page, 4 rounds of " + OPS);
        measure("one thread        ");
        Thread spinner = new Thread(() -> {
            long x = 0;
            while (!stop) {
                x++;
            }
        }, "spinner");
        spinner.setDaemon(true);
        spinner.start();
        measure("a second thread   ");
        stop = true;
        spinner.join();
    }

    private static void measure(String label) {
        long p = Pages.SIZE;
        try (WriteTracker tracker = WriteTracker.open(); AnonymousMapping m = AnonymousMapping.readWrite(PAGES * p)) {
            for (int i = 0; i < PAGES; i++) {
                m.write(i * p, (byte) 1);
            }
            tracker.track(m.address(), m.end());
            RegionVisitor ignore = (s, e, c) -> { };
            StringBuilder read = new StringBuilder();
            StringBuilder collect = new StringBuilder();
            for (int round = 0; round < 4; round++) {
                // Re-arm everything first, so that each write below is the first to its armed page.
                tracker.collect(m.address(), m.end(), ignore, RepairListener.NONE);
                long t0 = System.nanoTime();
                for (int i = 0; i < OPS; i++) {
                    long offset = (i % PAGES) * p;
                    m.write(offset, (byte) 2);
                    tracker.scanner().scan(m.address() + offset, m.address() + offset + p, ScanQuery.WRITTEN, ignore);
                }
                long t1 = System.nanoTime();
                tracker.collect(m.address(), m.end(), ignore, RepairListener.NONE);
                long t2 = System.nanoTime();
                for (int i = 0; i < OPS; i++) {
                    long offset = (i % PAGES) * p;
                    m.write(offset, (byte) 2);
                    tracker.collect(m.address() + offset, m.address() + offset + p, ignore, RepairListener.NONE);
                }
                long t3 = System.nanoTime();
                read.append(String.format(" %5.2f", (t1 - t0) / 1e3 / OPS));
                collect.append(String.format(" %5.2f", (t3 - t2) / 1e3 / OPS));
            }
            System.out.println(label + "write + read   " + read);
            System.out.println(label + "write + collect" + collect);
        }
    }
}
