package dev.dirtypages.samples;

import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes scattered single pages of a large live set at a steady rate, with a little young-generation churn:
 * a load for the HTML report, whose cost grows with the scans and the DirtyRange events (a random page of a
 * large set is rarely next to another, so each write is nearly one range). Allocates at once, never waits for
 * the agent.
 *
 * <p>Usage: {@code ScatteredWriter <seconds> <liveMiB> <pagesPerSecond> <youngMiBPerSecond> <seed>}.
 */
public final class ScatteredWriter {
    private static final int PAGE = 4096;
    /** Well under half a G1 region, so that the live set is ordinary objects, not humongous ones. */
    private static final int CHUNK = 256 << 10;

    private ScatteredWriter() {
    }

    public static void main(String[] args) {
        int seconds = Integer.parseInt(args[0]);
        int liveMiB = Integer.parseInt(args[1]);
        int pagesPerSecond = Integer.parseInt(args[2]);
        int youngMiBPerSecond = Integer.parseInt(args[3]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[4]));
        int chunks = (int) ((long) liveMiB * (1 << 20) / CHUNK);
        byte[][] live = new byte[chunks][];
        for (int i = 0; i < chunks; i++) {
            live[i] = new byte[CHUNK];
        }
        int pagesPerChunk = CHUNK / PAGE;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long pagesDone = 0;
        long youngDone = 0;
        long checksum = 0;
        for (long now = start; now < end; now = System.nanoTime()) {
            double elapsed = (now - start) / 1e9;
            for (; pagesDone < elapsed * pagesPerSecond; pagesDone++) {
                byte[] chunk = live[random.nextInt(chunks)];
                chunk[random.nextInt(pagesPerChunk) * PAGE + random.nextInt(PAGE)]++;
            }
            for (; youngDone < elapsed * youngMiBPerSecond * 64; youngDone++) {
                byte[] garbage = new byte[16 << 10];
                garbage[random.nextInt(garbage.length)] = 1;
                checksum += garbage.length;
            }
            LockSupport.parkNanos(1_000_000);
        }
        System.out.println("RESULT ScatteredWriter pages=" + pagesDone + " youngChunks=" + youngDone + " checksum="
                + checksum);
    }
}
