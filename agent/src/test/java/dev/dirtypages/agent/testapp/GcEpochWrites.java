package dev.dirtypages.agent.testapp;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.zip.Deflater;

/**
 * A child application for GC epochs: between two young collections it forces, it writes known pages of a
 * primitive array that no collector moves (humongous under G1, in the old generation of Parallel and Serial)
 * and stores references to fresh young objects into known pages of an Object[] that does not move either: the
 * collection moves those young objects and so rewrites the slots. Starts at once; never waits for the agent.
 *
 * <p>Output: {@code PRIM <firstPage> <pages>}, {@code REFS <firstPage> <pages>}, then per round
 * {@code ROUND <n> <t0> <t1> <t2> P <page,...> R <page,...>} with epoch nanoseconds before the writes (t0), after
 * them (t1) and after the collection (t2); {@code MOVED} if an array moved.
 *
 * <p>Usage: {@code GcEpochWrites <rounds> <pagesPerRound> <seed> [jni-critical]}; needs
 * {@code -XX:-UseCompressedOops}. With {@code jni-critical}, a thread compresses all along, in and out of JNI
 * critical regions (the {@link Deflater}'s), which holds collections off: on JDK 17 the GC locker then skips a
 * requested collection, and HotSpot posts the JVMTI GC events around that safepoint all the same.
 */
public final class GcEpochWrites {
    /**
     * Distinctive sizes: 20 MiB + 4321 longs and 2 Mi + 777 references (16 MiB and a bit without compressed oops),
     * both larger than a 16 MiB young generation, so that Parallel and Serial allocate them in the old one.
     */
    static final int PRIM_LONGS = (20 << 20) / 8 + 4321;
    static final int REF_SLOTS = (2 << 20) + 777;
    static final long PAGE = 4096;
    static volatile Object sink;

    private GcEpochWrites() {
    }

    public static void main(String[] args) throws Exception {
        long[] prim = new long[PRIM_LONGS];
        Object[] refs = new Object[REF_SLOTS];
        if (args.length > 3 && args[3].equals("jni-critical")) {
            Thread compressor = new Thread(GcEpochWrites::compressAllAlong, "jni-critical");
            compressor.setDaemon(true);
            compressor.start();
        }
        int rounds = Integer.parseInt(args[0]);
        int perRound = Integer.parseInt(args[1]);
        Random random = new Random(Long.parseLong(args[2]));
        sun.misc.Unsafe unsafe = KnownHeapWrites.unsafe();
        GarbageCollectorMXBean young = youngCollector();

        long primData = KnownHeapWrites.addressOf(unsafe, prim) + unsafe.arrayBaseOffset(long[].class);
        long refsData = KnownHeapWrites.addressOf(unsafe, refs) + unsafe.arrayBaseOffset(Object[].class);
        long primFirst = (primData + PAGE - 1) & -PAGE;
        long refsFirst = (refsData + PAGE - 1) & -PAGE;
        int primPages = (int) ((primData + 8L * PRIM_LONGS - primFirst) / PAGE);
        int refsPages = (int) ((refsData + 8L * REF_SLOTS - refsFirst) / PAGE);
        System.out.println("PRIM " + primFirst + " " + primPages);
        System.out.println("REFS " + refsFirst + " " + refsPages);
        System.out.flush();

        List<Integer> previousSlots = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (int slot : previousSlots) {
                refs[slot] = null;   // so that only this round's targets move at this round's collection
            }
            previousSlots.clear();
            TreeSet<Integer> p = pick(random, primPages, perRound);
            TreeSet<Integer> r = pick(random, refsPages, perRound);
            long t0 = KnownHeapWrites.epochNanos();
            for (int page : p) {
                int index = (int) ((primFirst - primData + page * PAGE + random.nextInt((int) PAGE - 8)) / 8);
                prim[index]++;
            }
            for (int page : r) {
                int slot = (int) ((refsFirst - refsData + page * PAGE + random.nextInt((int) PAGE - 8)) / 8);
                refs[slot] = new Object();
                previousSlots.add(slot);
            }
            long t1 = KnownHeapWrites.epochNanos();
            youngCollection(young);
            long t2 = KnownHeapWrites.epochNanos();
            StringBuilder line = new StringBuilder("ROUND ").append(round).append(' ').append(t0).append(' ')
                    .append(t1).append(' ').append(t2).append(" P ").append(join(p)).append(" R ").append(join(r));
            System.out.println(line);
            if (KnownHeapWrites.addressOf(unsafe, prim) + unsafe.arrayBaseOffset(long[].class) != primData
                    || KnownHeapWrites.addressOf(unsafe, refs) + unsafe.arrayBaseOffset(Object[].class) != refsData) {
                System.out.println("MOVED");
            }
        }
        System.out.flush();
    }

    /** Allocates garbage until the young collector has run once more: a collection forced the way applications do. */
    static void youngCollection(GarbageCollectorMXBean young) {
        long before = young.getCollectionCount();
        while (young.getCollectionCount() == before) {
            for (int i = 0; i < 1000; i++) {
                sink = new byte[256];
            }
        }
    }

    /** Compresses 64 KiB over and over: Deflater.deflate holds both arrays in a JNI critical region. */
    private static void compressAllAlong() {
        byte[] input = new byte[64 << 10];
        byte[] output = new byte[128 << 10];
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        while (true) {
            deflater.reset();
            deflater.setInput(input);
            deflater.finish();
            while (!deflater.finished()) {
                deflater.deflate(output);
            }
        }
    }

    static GarbageCollectorMXBean youngCollector() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = gc.getName();
            if (name.contains("Young") || name.equals("PS Scavenge") || name.equals("Copy")) {
                return gc;
            }
        }
        throw new IllegalStateException("no young collector among " + ManagementFactory.getGarbageCollectorMXBeans());
    }

    private static TreeSet<Integer> pick(Random random, int pages, int n) {
        TreeSet<Integer> chosen = new TreeSet<>();
        while (chosen.size() < n) {
            chosen.add(random.nextInt(pages));
        }
        return chosen;
    }

    private static String join(TreeSet<Integer> pages) {
        StringBuilder out = new StringBuilder();
        for (int page : pages) {
            out.append(out.length() == 0 ? "" : ",").append(page);
        }
        return out.toString();
    }
}
