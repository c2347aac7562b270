package dev.dirtypages.agent.testapp;

import java.lang.reflect.Field;
import java.util.Random;
import java.util.TreeSet;

/**
 * A child application that writes pages of the heap at addresses it knows, in rounds, and prints
 * each round's pages and times: the ground truth the agent's recording is checked against.
 *
 * <p>The pages belong to one large byte array (a humongous object under G1, which never moves it);
 * its address is read with {@code -XX:-UseCompressedOops}, where an array slot holds the raw address.
 * Between rounds the array is quiet, so a page reported that no round wrote is an error.
 *
 * <p>As an application does, it allocates in the first line of {@code main} and writes at once, never waiting
 * for the agent (which finds the heap on its own thread, some hundreds of milliseconds later): the first rounds
 * come before the agent tracks anything, and must be reported all the same.
 *
 * <p>Output lines: {@code BLOCK <firstPage> <pages> <allocated epoch nanos>}, then
 * {@code ROUND <n> <t0 nanos> <t1 nanos> <page>...} with epoch times around the writes, {@code MOVED} if the
 * array's address ever changed, and last {@code STATE <agent state>}.
 *
 * <p>Usage: {@code KnownHeapWrites <rounds> <pagesPerRound> <pauseMillis> <seed>}; the last round is
 * written just before exit, with no pause after it, to test the final flush.
 */
public final class KnownHeapWrites {
    /** A distinctive size, so that the array is the test's own: 24 MiB + 12345 bytes. */
    static final int BLOCK_BYTES = (24 << 20) + 12345;
    static final long PAGE = 4096;

    private KnownHeapWrites() {
    }

    public static void main(String[] args) throws Exception {
        byte[] block = new byte[BLOCK_BYTES];
        long allocated = epochNanos();
        int rounds = Integer.parseInt(args[0]);
        int perRound = Integer.parseInt(args[1]);
        long pause = Long.parseLong(args[2]);
        Random random = new Random(Long.parseLong(args[3]));

        sun.misc.Unsafe unsafe = unsafe();
        long data = addressOf(unsafe, block) + unsafe.arrayBaseOffset(byte[].class);
        long firstPage = (data + PAGE - 1) & -PAGE;
        int pages = (int) ((data + BLOCK_BYTES - firstPage) / PAGE);
        System.out.println("BLOCK " + firstPage + " " + pages + " " + allocated);
        System.out.flush();

        for (int round = 1; round <= rounds; round++) {
            TreeSet<Integer> chosen = new TreeSet<>();
            while (chosen.size() < perRound) {
                chosen.add(random.nextInt(pages));
            }
            long t0 = epochNanos();
            for (int page : chosen) {
                int index = (int) (firstPage - data + page * PAGE + random.nextInt((int) PAGE));
                block[index]++;
            }
            long t1 = epochNanos();
            StringBuilder line = new StringBuilder("ROUND ").append(round).append(' ').append(t0).append(' ').append(t1);
            for (int page : chosen) {
                line.append(' ').append(page);
            }
            System.out.println(line);
            System.out.flush();
            if (addressOf(unsafe, block) + unsafe.arrayBaseOffset(byte[].class) != data) {
                System.out.println("MOVED");
            }
            if (round < rounds) {
                Thread.sleep(pause);
            }
        }
        System.out.println("STATE " + System.getProperty("dirtypages.state"));
    }

    /** Waits until the agent has armed what it tracks (it starts off the main thread), at most 60 s. */
    static String awaitAgent() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        String state = System.getProperty("dirtypages.state");
        while ((state == null || state.equals("starting")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            state = System.getProperty("dirtypages.state");
        }
        return state;
    }

    static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The raw address of {@code o}; needs -XX:-UseCompressedOops (a reference slot then holds the address). */
    static long addressOf(sun.misc.Unsafe unsafe, Object o) {
        Object[] holder = {o};
        if (unsafe.arrayIndexScale(Object[].class) != 8) {
            throw new IllegalStateException("run with -XX:-UseCompressedOops");
        }
        return unsafe.getLong(holder, (long) unsafe.arrayBaseOffset(Object[].class));
    }

    static sun.misc.Unsafe unsafe() throws ReflectiveOperationException {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        return (sun.misc.Unsafe) f.get(null);
    }
}
