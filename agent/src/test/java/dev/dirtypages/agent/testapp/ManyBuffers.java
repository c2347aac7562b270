package dev.dirtypages.agent.testapp;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Ten thousand small off-heap blocks (or as many as asked), half direct buffers and half Unsafe memory:
 * allocated, armed, some written, all freed, counting the process's VMAs along the way.
 *
 * <p>Output: {@code STATE}, {@code MAPS before <n>}, {@code MAPS armed <n>}, {@code BASE <page> <pages>} (the
 * lowest page written, as address / 4096, and the span), {@code ROUND 1 <t0> <t1> <page>...} (the pages of the
 * blocks written, from BASE), {@code MAPS end <n>}, {@code FREED <blocks> <nanos>}.
 *
 * <p>With a spacer size, each block is followed by a spacer of Unsafe memory, freed again before the blocks are
 * armed: the blocks then lie apart, each on pages of its own between free chunks, as they do in a long-running
 * application whose heap is fragmented.
 *
 * <p>Usage: {@code ManyBuffers <blocks> <bytes> <writeEvery> <pauseMillis> [spacerBytes]}.
 */
public final class ManyBuffers {
    private ManyBuffers() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        long bytes = Long.parseLong(args[1]);
        int every = Integer.parseInt(args[2]);
        long pause = Long.parseLong(args[3]);
        long spacer = args.length > 4 ? Long.parseLong(args[4]) : 0;

        // Waits for the agent: the allocation's stack trace is under test, and only a recording that is running
        // when a block is allocated records it (the agent's own file= recording starts after main does).
        System.out.println("STATE " + KnownHeapWrites.awaitAgent());
        System.out.println("MAPS before " + OffHeap.mappings());
        List<OffHeap> blocks = new ArrayList<>(count);
        List<OffHeap> spacers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            blocks.add(OffHeap.allocate(i % 2 == 0 ? "direct" : "unsafe", bytes));
            if (spacer > 0) {
                spacers.add(OffHeap.allocate("unsafe", spacer));
            }
        }
        for (OffHeap s : spacers) {
            s.free();
        }
        Thread.sleep(pause);
        System.out.println("MAPS armed " + OffHeap.mappings());
        TreeSet<Long> pages = new TreeSet<>();
        long t0 = KnownHeapWrites.epochNanos();
        for (int i = 0; i < count; i += every) {
            OffHeap b = blocks.get(i);
            long offset = bytes / 2;
            b.write(offset);
            pages.add((b.address + offset) / KnownHeapWrites.PAGE);
        }
        long t1 = KnownHeapWrites.epochNanos();
        long base = pages.first();
        System.out.println("BASE " + base + " " + (pages.last() - base + 1));
        StringBuilder line = new StringBuilder("ROUND 1 ").append(t0).append(' ').append(t1);
        for (long p : pages) {
            line.append(' ').append(p - base);
        }
        System.out.println(line);
        Thread.sleep(pause);
        System.out.println("MAPS end " + OffHeap.mappings());
        long f0 = System.nanoTime();
        for (OffHeap b : blocks) {
            b.free();
        }
        System.out.println("FREED " + count + " " + (System.nanoTime() - f0));
        Thread.sleep(pause);
    }
}
