package dev.dirtypages.agent.testapp;

import java.util.Random;
import java.util.TreeSet;

/**
 * Like {@link KnownHeapWrites}, for an off-heap block: writes whole pages of it at addresses it knows, in
 * rounds, and prints each round's pages and times. Between rounds the block is quiet.
 *
 * <p>Output: {@code STATE}, {@code BLOCK <address> <bytes> <firstPage> <pages>} (the whole pages of the
 * block; the test checks those, not the edges it shares with the allocator), then
 * {@code ROUND <n> <t0> <t1> <page>...} with page indexes from firstPage.
 *
 * <p>Usage: {@code KnownOffHeapWrites <kind> <bytes> <rounds> <pagesPerRound> <pauseMillis> <seed> [after-agent]};
 * the block is allocated at once, as applications do (with {@code after-agent}: once the agent has started,
 * so that its recording sees the allocation), and left alone for one pause; the last round is written just
 * before exit.
 */
public final class KnownOffHeapWrites {
    private KnownOffHeapWrites() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        long bytes = Long.parseLong(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int perRound = Integer.parseInt(args[3]);
        long pause = Long.parseLong(args[4]);
        Random random = new Random(Long.parseLong(args[5]));

        if (args.length > 6 && args[6].equals("after-agent")) {
            System.out.println("STATE " + KnownHeapWrites.awaitAgent());
        }
        OffHeap block = OffHeap.allocate(kind, bytes);
        long firstPage = block.firstPage();
        int pages = block.pages();
        System.out.println("BLOCK " + block.address + " " + bytes + " " + firstPage + " " + pages);
        System.out.flush();
        Thread.sleep(pause);
        for (int round = 1; round <= rounds; round++) {
            TreeSet<Integer> chosen = new TreeSet<>();
            while (chosen.size() < perRound) {
                chosen.add(random.nextInt(pages));
            }
            long t0 = KnownHeapWrites.epochNanos();
            for (int page : chosen) {
                block.write(firstPage - block.address + page * KnownHeapWrites.PAGE + random.nextInt((int) KnownHeapWrites.PAGE));
            }
            long t1 = KnownHeapWrites.epochNanos();
            StringBuilder line = new StringBuilder("ROUND ").append(round).append(' ').append(t0).append(' ').append(t1);
            for (int page : chosen) {
                line.append(' ').append(page);
            }
            System.out.println(line);
            System.out.flush();
            if (round < rounds) {
                Thread.sleep(pause);
            }
        }
    }
}
