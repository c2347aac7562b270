package dev.dirtypages.agent.testapp;

import java.util.Random;
import java.util.TreeSet;

/**
 * Allocates a direct buffer at once, then waits for an agent to be attached (the attach is what is tested), then
 * writes known pages of the buffer in rounds.
 *
 * <p>Output: {@code BLOCK <address> <bytes> <firstPage> <pages>}, {@code ready}, {@code STATE <state>}, then
 * {@code ROUND <n> <t0> <t1> <page>...}.
 *
 * <p>Usage: {@code AllocatedBeforeAttach <bytes> <rounds> <pagesPerRound> <pauseMillis> <seed>}.
 */
public final class AllocatedBeforeAttach {
    private AllocatedBeforeAttach() {
    }

    public static void main(String[] args) throws Exception {
        OffHeap block = OffHeap.allocate("direct", Long.parseLong(args[0]));
        int rounds = Integer.parseInt(args[1]);
        int perRound = Integer.parseInt(args[2]);
        long pause = Long.parseLong(args[3]);
        Random random = new Random(Long.parseLong(args[4]));
        System.out.println("BLOCK " + block.address + " " + block.bytes + " " + block.firstPage() + " " + block.pages());
        System.out.println("ready");
        System.out.flush();
        System.out.println("STATE " + KnownHeapWrites.awaitAgent());
        Thread.sleep(pause);
        for (int round = 1; round <= rounds; round++) {
            TreeSet<Integer> chosen = new TreeSet<>();
            while (chosen.size() < perRound) {
                chosen.add(random.nextInt(block.pages()));
            }
            long t0 = KnownHeapWrites.epochNanos();
            for (int page : chosen) {
                block.write(block.firstPage() - block.address + page * KnownHeapWrites.PAGE + 7);
            }
            long t1 = KnownHeapWrites.epochNanos();
            StringBuilder line = new StringBuilder("ROUND ").append(round).append(' ').append(t0).append(' ').append(t1);
            for (int page : chosen) {
                line.append(' ').append(page);
            }
            System.out.println(line);
            System.out.flush();
            Thread.sleep(pause);
        }
    }
}
