package dev.dirtypages.agent.testapp;

import java.util.Random;
import java.util.TreeSet;

/**
 * An application as users write them: its first statement allocates an off-heap block, which it writes at once
 * (long before the agent, starting on its own thread, can have armed anything) and again in rounds, at pages
 * it knows. It never waits for the agent.
 *
 * <p>A second block is allocated, written and freed at once, long before any scan.
 *
 * <p>Output: {@code SHORT <address> <bytes> <firstPage> <page>...} (the short-lived block and the pages of it
 * written), {@code BLOCK <address> <bytes> <firstPage> <pages>} (the whole pages of the block), then
 * {@code ROUND <n> <t0> <t1> <page>...} with page indexes from firstPage; round 1 is the write at once.
 *
 * <p>Usage: {@code FirstLineOffHeap <kind> <bytes> <rounds> <pagesPerRound> <pauseMillis> <seed>}.
 */
public final class FirstLineOffHeap {
    /** A second block, written and freed at once: before the agent can have armed it. */
    static final long SHORT_LIVED_BYTES = (3L << 20) + 777;

    private FirstLineOffHeap() {
    }

    public static void main(String[] args) throws Exception {
        OffHeap block = OffHeap.allocate(args[0], Long.parseLong(args[1]));
        OffHeap shortLived = OffHeap.allocate(args[0], SHORT_LIVED_BYTES);
        int[] shortLivedPages = {1, 5, 6, 40};
        for (int page : shortLivedPages) {
            shortLived.write(shortLived.firstPage() - shortLived.address + page * KnownHeapWrites.PAGE);
        }
        shortLived.free();
        int rounds = Integer.parseInt(args[2]);
        int perRound = Integer.parseInt(args[3]);
        long pause = Long.parseLong(args[4]);
        Random random = new Random(Long.parseLong(args[5]));
        long firstPage = block.firstPage();
        int pages = block.pages();
        StringBuilder out = new StringBuilder();
        for (int round = 1; round <= rounds; round++) {
            TreeSet<Integer> chosen = new TreeSet<>();
            while (chosen.size() < perRound) {
                chosen.add(random.nextInt(pages));
            }
            long t0 = KnownHeapWrites.epochNanos();
            for (int page : chosen) {
                block.write(firstPage - block.address + page * KnownHeapWrites.PAGE
                        + random.nextInt((int) KnownHeapWrites.PAGE));
            }
            long t1 = KnownHeapWrites.epochNanos();
            if (round == 1) {
                out.append("SHORT ").append(shortLived.address).append(' ').append(SHORT_LIVED_BYTES).append(' ')
                        .append(shortLived.firstPage());
                for (int page : shortLivedPages) {
                    out.append(' ').append(page);
                }
                out.append('\n');
                out.append("BLOCK ").append(block.address).append(' ').append(block.bytes).append(' ')
                        .append(firstPage).append(' ').append(pages).append('\n');
            }
            out.append("ROUND ").append(round).append(' ').append(t0).append(' ').append(t1);
            for (int page : chosen) {
                out.append(' ').append(page);
            }
            System.out.println(out);
            System.out.flush();
            out.setLength(0);
            if (round < rounds) {
                Thread.sleep(pause);
            }
        }
    }
}
