package dev.dirtypages.agent.testapp;

import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.TreeSet;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * An application with consumers of its own, reached through the platform MBean (the agent's classes are not
 * visible to it), checked against pages of the heap it writes at addresses it knows (see {@link KnownHeapWrites}):
 * "fast" checkpoints after every round, "slow" after every third, "never" (bound: 8 ranges) only at the end.
 * Between checkpoints the agent's timer keeps scanning for JFR.
 *
 * <p>Output: {@code STATE}, {@code BLOCK <firstPage> <pages>}, {@code ROUND <n> <page>...} (the pages written),
 * and per checkpoint {@code CHECK <consumer> <round> count=<ranges> coarsened=<bytes> missing=<pages> extra=<pages>},
 * where missing are pages of the block written since the consumer's previous checkpoint that the answer lacks,
 * and extra are pages of the quiet block it names that were not written since.
 *
 * <p>Usage: {@code ConsumerApp <rounds> <pagesPerRound> <pauseMillis> <seed> [young-gc]}; with {@code young-gc}
 * every round forces a young collection after its writes (for scans inside GC pauses, gcepochs=true).
 */
public final class ConsumerApp {
    private ConsumerApp() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int perRound = Integer.parseInt(args[1]);
        long pause = Long.parseLong(args[2]);
        Random random = new Random(Long.parseLong(args[3]));
        boolean youngGc = args.length > 4 && args[4].equals("young-gc");
        System.out.println("STATE " + KnownHeapWrites.awaitAgent());

        sun.misc.Unsafe unsafe = KnownHeapWrites.unsafe();
        byte[] block = new byte[KnownHeapWrites.BLOCK_BYTES];
        long data = KnownHeapWrites.addressOf(unsafe, block) + unsafe.arrayBaseOffset(byte[].class);
        long firstPage = (data + KnownHeapWrites.PAGE - 1) & -KnownHeapWrites.PAGE;
        int pages = (int) ((data + KnownHeapWrites.BLOCK_BYTES - firstPage) / KnownHeapWrites.PAGE);
        System.out.println("BLOCK " + firstPage + " " + pages);

        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName consumers = new ObjectName("dev.dirtypages:type=Consumers");
        for (String[] c : new String[][] {{"fast", "0"}, {"slow", "0"}, {"never", "8"}}) {
            server.invoke(consumers, "register", new Object[] {c[0], Integer.parseInt(c[1])},
                    new String[] {"java.lang.String", "int"});
        }
        // The epochs start here: what the block's allocation wrote is not the test's.
        checkpoint(server, consumers, "fast");
        checkpoint(server, consumers, "slow");
        TreeSet<Integer> sinceFast = new TreeSet<>();
        TreeSet<Integer> sinceSlow = new TreeSet<>();
        TreeSet<Integer> sinceNever = new TreeSet<>();
        for (int round = 1; round <= rounds; round++) {
            TreeSet<Integer> chosen = new TreeSet<>();
            while (chosen.size() < perRound) {
                chosen.add(random.nextInt(pages));
            }
            for (int page : chosen) {
                block[(int) (firstPage - data + page * KnownHeapWrites.PAGE + random.nextInt((int) KnownHeapWrites.PAGE))]++;
            }
            StringBuilder line = new StringBuilder("ROUND ").append(round);
            chosen.forEach(p -> line.append(' ').append(p));
            System.out.println(line);
            sinceFast.addAll(chosen);
            sinceSlow.addAll(chosen);
            sinceNever.addAll(chosen);
            if (youngGc) {
                GcEpochWrites.youngCollection(GcEpochWrites.youngCollector());
            }
            Thread.sleep(pause);                              // timer scans happen here
            check(checkpoint(server, consumers, "fast"), "fast", round, sinceFast, firstPage, pages);
            if (round % 3 == 0) {
                check(checkpoint(server, consumers, "slow"), "slow", round, sinceSlow, firstPage, pages);
            }
        }
        check(checkpoint(server, consumers, "never"), "never", rounds, sinceNever, firstPage, pages);
        if (KnownHeapWrites.addressOf(unsafe, block) + unsafe.arrayBaseOffset(byte[].class) != data) {
            System.out.println("MOVED");
        }
    }

    private static CompositeData checkpoint(MBeanServer server, ObjectName consumers, String name) throws Exception {
        return (CompositeData) server.invoke(consumers, "checkpoint", new Object[] {name},
                new String[] {"java.lang.String"});
    }

    private static void check(CompositeData answer, String name, int round, TreeSet<Integer> since, long firstPage,
                              int pages) {
        long[] ranges = (long[]) answer.get("ranges");
        TreeSet<Integer> reported = new TreeSet<>();
        for (int i = 0; i < ranges.length; i += 2) {
            for (long a = Math.max(ranges[i], firstPage); a < Math.min(ranges[i + 1], firstPage + pages * KnownHeapWrites.PAGE);
                 a += KnownHeapWrites.PAGE) {
                reported.add((int) ((a - firstPage) / KnownHeapWrites.PAGE));
            }
        }
        TreeSet<Integer> missing = new TreeSet<>(since);
        missing.removeAll(reported);
        TreeSet<Integer> extra = new TreeSet<>(reported);
        extra.removeAll(since);
        System.out.println("CHECK " + name + " " + round + " count=" + ranges.length / 2 + " coarsened="
                + answer.get("coarsenedBytes") + " missing=" + missing.size() + " extra=" + extra.size()
                + (missing.isEmpty() ? "" : " missed " + missing));
        since.clear();
    }
}
