package dev.dirtypages.agent.testapp;

import java.util.Random;
import java.util.TreeSet;

/**
 * A child application that writes the heap where it knows the kind of memory, from the first line of main (it
 * never waits for the agent): an old array (humongous under G1; allocated straight into the old generation of
 * Parallel and Serial when the young generation is smaller than it), a young array moved into the old generation
 * by a full collection ({@code System.gc()}) part-way through (allocated and filled just before it), and a fresh
 * young array every round.
 *
 * <p>Output lines (times are epoch nanos): {@code OLD <firstPage> <pages>}; {@code ROUND <n> <t0> <t1> <page>...}
 * for the old array's pages; {@code GC <t0> <t1>} around the full collection, then {@code PROMOTED <firstPage>
 * <pages> <address before the collection>} and {@code PROUND <n> <t0> <t1> <page>...} for the moved array; {@code YOUNG <t0> <t1> <firstPage>
 * <pages>} for each young array, written in full; {@code MOVED} if the old array moved, {@code PMOVED} if the
 * promoted one did after the collection.
 *
 * <p>Usage: {@code KindedHeapWrites <rounds> <pagesPerRound> <pauseMillis> <gcAfterRound> <seed>}.
 */
public final class KindedHeapWrites {
    /** Distinctive sizes, so that each array is the test's own. */
    static final int OLD_BYTES = (24 << 20) + 12345;
    static final int PROMOTED_BYTES = (256 << 10) + 4321;
    static final int YOUNG_BYTES = (64 << 10) + 777;
    static final long PAGE = 4096;

    private KindedHeapWrites() {
    }

    public static void main(String[] args) throws Exception {
        byte[] old = new byte[OLD_BYTES];
        byte[] promoted = null;
        int rounds = Integer.parseInt(args[0]);
        int perRound = Integer.parseInt(args[1]);
        long pause = Long.parseLong(args[2]);
        int gcAfter = Integer.parseInt(args[3]);
        Random random = new Random(Long.parseLong(args[4]));
        sun.misc.Unsafe unsafe = KnownHeapWrites.unsafe();
        long base = unsafe.arrayBaseOffset(byte[].class);

        long oldData = KnownHeapWrites.addressOf(unsafe, old) + base;
        long oldFirst = (oldData + PAGE - 1) & -PAGE;
        int oldPages = (int) ((oldData + OLD_BYTES - oldFirst) / PAGE);
        System.out.println("OLD " + oldFirst + " " + oldPages);
        long promotedData = 0;
        long promotedFirst = 0;
        int promotedPages = 0;
        byte[][] keep = new byte[rounds][];
        for (int round = 1; round <= rounds; round++) {
            roundOf("ROUND", round, old, oldData, oldFirst, oldPages, perRound, random);
            if (promotedData != 0) {
                roundOf("PROUND", round, promoted, promotedData, promotedFirst, promotedPages, perRound / 10, random);
            }
            long t0 = KnownHeapWrites.epochNanos();
            byte[] young = new byte[YOUNG_BYTES];
            long youngData = KnownHeapWrites.addressOf(unsafe, young) + base;
            for (int i = 0; i < YOUNG_BYTES; i += (int) PAGE) {
                young[i] = 1;
            }
            young[YOUNG_BYTES - 1] = 1;
            long t1 = KnownHeapWrites.epochNanos();
            keep[round - 1] = young;
            long youngFirst = youngData & -PAGE;
            System.out.println("YOUNG " + t0 + " " + t1 + " " + youngFirst + " "
                    + ((youngData + YOUNG_BYTES - youngFirst + PAGE - 1) / PAGE));
            if (round == gcAfter) {
                promoted = new byte[PROMOTED_BYTES]; // young, and filled, just before the collection moves it
                java.util.Arrays.fill(promoted, (byte) 3);
                long from = KnownHeapWrites.addressOf(unsafe, promoted) + base;
                long g0 = KnownHeapWrites.epochNanos();
                System.gc();
                long g1 = KnownHeapWrites.epochNanos();
                System.out.println("GC " + g0 + " " + g1);
                promotedData = KnownHeapWrites.addressOf(unsafe, promoted) + base;
                promotedFirst = (promotedData + PAGE - 1) & -PAGE;
                promotedPages = (int) ((promotedData + PROMOTED_BYTES - promotedFirst) / PAGE);
                System.out.println("PROMOTED " + promotedFirst + " " + promotedPages + " " + from);
            }
            if (KnownHeapWrites.addressOf(unsafe, old) + base != oldData) {
                System.out.println("MOVED");
            }
            if (promotedData != 0 && KnownHeapWrites.addressOf(unsafe, promoted) + base != promotedData) {
                System.out.println("PMOVED");
            }
            System.out.flush();
            if (round < rounds) {
                Thread.sleep(pause);
            }
        }
        System.out.println("KEPT " + keep.length);
    }

    private static void roundOf(String label, int round, byte[] block, long data, long firstPage, int pages, int count,
                                Random random) {
        TreeSet<Integer> chosen = new TreeSet<>();
        while (chosen.size() < count) {
            chosen.add(random.nextInt(pages));
        }
        long t0 = KnownHeapWrites.epochNanos();
        for (int page : chosen) {
            int index = (int) (firstPage - data + page * PAGE + random.nextInt((int) PAGE));
            block[index]++;
        }
        long t1 = KnownHeapWrites.epochNanos();
        StringBuilder line = new StringBuilder(label).append(' ').append(round).append(' ').append(t0).append(' ')
                .append(t1);
        for (int page : chosen) {
            line.append(' ').append(page);
        }
        System.out.println(line);
    }
}
