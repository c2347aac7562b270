package dev.dirtypages.agent.testapp;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Frees an armed off-heap block right after writing it, and at once allocates another of the same size at
 * the same address (the allocator hands the chunk it just got back), which it writes before the agent arms
 * it and again afterwards.
 *
 * <p>Output: {@code STATE}, {@code BLOCK <address> <bytes> <firstPage> <pages>}, {@code ROUND 1 ...} (the
 * first block's writes), {@code FREED <t>}, {@code REUSED <address> <attempts>} or {@code NOREUSE <offset>}
 * (where the first allocation after the free landed, from the freed block),
 * {@code EARLY <t0> <t1> <page>...} (the second block's writes before it is armed), {@code ROUND 2 ...}.
 *
 * <p>Usage: {@code OffHeapReuse <kind> <bytes> <pagesPerRound> <pauseMillis> <seed>}.
 */
public final class OffHeapReuse {
    private OffHeapReuse() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        long bytes = Long.parseLong(args[1]);
        int perRound = Integer.parseInt(args[2]);
        long pause = Long.parseLong(args[3]);
        Random random = new Random(Long.parseLong(args[4]));

        // Waits for the agent: what is tested is a block freed after its arming and its address reused at once.
        System.out.println("STATE " + KnownHeapWrites.awaitAgent());
        OffHeap first = OffHeap.allocate(kind, bytes);
        long firstPage = first.firstPage();
        int pages = first.pages();
        System.out.println("BLOCK " + first.address + " " + bytes + " " + firstPage + " " + pages);
        Thread.sleep(pause);

        // Three disjoint sets of pages: the first block's, the second's before it is armed, and after.
        List<Integer> order = new ArrayList<>();
        for (int p = 0; p < pages; p++) {
            order.add(p);
        }
        java.util.Collections.shuffle(order, random);
        TreeSet<Integer> one = new TreeSet<>(order.subList(0, perRound));
        TreeSet<Integer> early = new TreeSet<>(order.subList(perRound, 2 * perRound));
        TreeSet<Integer> two = new TreeSet<>(order.subList(2 * perRound, 3 * perRound));

        long t0 = KnownHeapWrites.epochNanos();
        write(first, firstPage, one);
        long t1 = KnownHeapWrites.epochNanos();
        first.free();
        long freed = KnownHeapWrites.epochNanos();
        OffHeap second = null;
        List<OffHeap> misses = new ArrayList<>();
        int attempts = 0;
        while (attempts++ < 50) {
            OffHeap candidate = OffHeap.allocate(kind, bytes);
            if (candidate.address == first.address) {
                second = candidate;
                break;
            }
            misses.add(candidate);
        }
        long e0 = KnownHeapWrites.epochNanos();
        if (second != null) {
            write(second, firstPage, early);
        }
        long e1 = KnownHeapWrites.epochNanos();
        System.out.println(line("ROUND 1", t0, t1, one));
        System.out.println("FREED " + freed);
        System.out.println(second == null ? "NOREUSE " + (misses.get(0).address - first.address)
                : "REUSED " + second.address + " " + attempts);
        System.out.println(line("EARLY", e0, e1, early));
        System.out.flush();
        if (second == null) {
            return;
        }
        Thread.sleep(pause);
        long r0 = KnownHeapWrites.epochNanos();
        write(second, firstPage, two);
        long r1 = KnownHeapWrites.epochNanos();
        System.out.println(line("ROUND 2", r0, r1, two));
        System.out.flush();
        Thread.sleep(pause);
        for (OffHeap m : misses) {
            m.free();
        }
    }

    private static void write(OffHeap block, long firstPage, TreeSet<Integer> pages) {
        for (int page : pages) {
            block.write(firstPage - block.address + page * KnownHeapWrites.PAGE + 100);
        }
    }

    private static String line(String head, long t0, long t1, TreeSet<Integer> pages) {
        StringBuilder out = new StringBuilder(head).append(' ').append(t0).append(' ').append(t1);
        for (int p : pages) {
            out.append(' ').append(p);
        }
        return out.toString();
    }
}
