package dev.dirtypages.samples;

import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.probe.Capabilities;
import dev.dirtypages.kernel.probe.CapabilityProbe;
import dev.dirtypages.kernel.track.CollectResult;
import dev.dirtypages.kernel.track.RepairListener;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.BitSet;
import java.util.Random;

/**
 * native-helper on its own, as a snapshot tool would use it: track a mapping, write pages at known
 * offsets, and check each interval's report against what was written.
 *
 * <p>Usage: {@code KernelLayerDemo [rounds] [pages]}.
 */
public final class KernelLayerDemo {
    private KernelLayerDemo() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int pages = args.length > 1 ? Integer.parseInt(args[1]) : 16384;
        Capabilities capabilities = CapabilityProbe.capabilities();
        System.out.print(capabilities.describe());
        if (!capabilities.writeTracking()) {
            System.out.println("write tracking is not available here; nothing to demonstrate");
            return;
        }
        Random random = new Random(42);
        long missedTotal = 0;
        try (WriteTracker tracker = WriteTracker.open();
             AnonymousMapping memory = AnonymousMapping.readWrite(pages * Pages.SIZE)) {
            tracker.track(memory.address(), memory.end());
            System.out.printf("tracking %d pages (%d MiB) at 0x%x%n", pages, pages * Pages.SIZE >> 20, memory.address());
            for (int round = 1; round <= rounds; round++) {
                BitSet written = new BitSet(pages);
                int writes = pages / (1 << round);
                for (int i = 0; i < writes; i++) {
                    int page = random.nextInt(pages);
                    written.set(page);
                    memory.write(page * Pages.SIZE + random.nextInt((int) Pages.SIZE), (byte) round);
                }
                BitSet reported = new BitSet(pages);
                long t0 = System.nanoTime();
                CollectResult result = tracker.collect(memory.address(), memory.end(), (start, end, categories) ->
                        reported.set((int) ((start - memory.address()) / Pages.SIZE),
                                (int) ((end - memory.address()) / Pages.SIZE)), RepairListener.NONE);
                long micros = (System.nanoTime() - t0) / 1000;
                BitSet missed = (BitSet) written.clone();
                missed.andNot(reported);
                BitSet extra = (BitSet) reported.clone();
                extra.andNot(written);
                missedTotal += missed.cardinality();
                System.out.printf("interval %d: wrote %d distinct pages, scan reported %d pages in %d ranges "
                                + "(%d us), missed %d, extra %d%n", round, written.cardinality(), result.pages(),
                        result.regions(), micros, missed.cardinality(), extra.cardinality());
            }
        }
        System.out.println(missedTotal == 0 ? "every written page was reported" : "MISSED " + missedTotal + " pages");
        if (missedTotal != 0) {
            System.exit(1);
        }
    }
}
