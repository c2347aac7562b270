package dev.dirtypages.samples.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The snapshot tool's target: it keeps mutating while the tool copies. On the heap: short-lived garbage
 * (eden, rewritten after every young collection), random writes into a long-lived set of arrays (old
 * regions), and a set that grows in steps and is dropped again (the heap expands while tracked: HotSpot maps
 * fresh memory over the reservation). Off the heap: random writes into direct buffers, allocated once the agent
 * runs (so that it tracks them), some replaced now and then; the first {@value #PINNED} never are, and have sizes
 * of their own. Writes are paced (per millisecond), so that a round of a few hundred milliseconds dirties a part
 * of the memory, not all of it.
 *
 * <p>Prints {@code DIRECT <index> <address> <bytes>} for every direct buffer it allocates (the addresses need
 * {@code --add-opens java.base/java.nio=ALL-UNNAMED}), {@value #READY} once its live set is built and the agent
 * is armed, and ends when its stdin closes (or after {@code maxSeconds}).
 *
 * <p>Usage: {@code MutatingWorkload [liveMiB] [directMiB] [maxSeconds]}.
 */
public final class MutatingWorkload {
    static final String READY = "READY";
    /** Buffers never replaced: a test can look for them in the snapshot's regions. */
    static final int PINNED = 4;
    private static volatile boolean stop;

    private MutatingWorkload() {
    }

    public static void main(String[] args) throws InterruptedException {
        int liveMiB = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int directMiB = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int maxSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 300;

        byte[][] live = new byte[liveMiB * 256][];
        for (int i = 0; i < live.length; i++) {
            live[i] = new byte[4096];
        }
        String state = awaitAgent();
        ByteBuffer[] direct = new ByteBuffer[directMiB];
        for (int i = 0; i < direct.length; i++) {
            // A MiB each; the pinned ones a few pages and bytes more, a size nothing else allocates.
            direct[i] = allocateDirect(i, (1 << 20) + (i < PINNED ? (i + 1) * 4096 * 3 + 777 : 0));
        }
        Thread watcher = new Thread(MutatingWorkload::watchStdin, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
        Thread offHeap = new Thread(() -> writeDirect(direct), "direct-writer");
        offHeap.start();
        System.out.println(READY + " agent=" + state);
        System.out.flush();

        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        List<byte[]> growing = new ArrayList<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long ticks = 0;
        long sink = 0;
        while (!stop && System.nanoTime() < deadline) {
            for (int i = 0; i < 16; i++) {                          // ~16 KiB of garbage a millisecond
                byte[] garbage = new byte[1024];
                garbage[random.nextInt(1024)] = (byte) i;
                sink += garbage[0];
            }
            for (int i = 0; i < 4; i++) {                           // 4 old-generation writes a millisecond
                live[random.nextInt(live.length)][random.nextInt(4096)]++;
            }
            if (ticks % 250 == 0) {                                 // a 4 MiB step of growth every 250 ms, to 64 MiB
                if (growing.size() >= 16 * 1024) {
                    growing.clear();
                }
                for (int i = 0; i < 1024; i++) {
                    growing.add(new byte[4096]);
                }
            }
            ticks++;
            LockSupport.parkNanos(1_000_000);
        }
        stop = true;
        offHeap.join();
        System.out.println("END ticks=" + ticks + " checksum=" + (sink & 0xff));
    }

    private static void writeDirect(ByteBuffer[] buffers) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long ticks = 0;
        while (!stop) {
            for (int i = 0; i < 8; i++) {
                ByteBuffer b = buffers[random.nextInt(buffers.length)];
                b.putLong(random.nextInt(b.capacity() / 8) * 8, ticks);
            }
            if (++ticks % 1000 == 0 && buffers.length > PINNED) {
                int i = PINNED + random.nextInt(buffers.length - PINNED);
                buffers[i] = allocateDirect(i, 1 << 20);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static ByteBuffer allocateDirect(int index, int bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes);
        System.out.println("DIRECT " + index + " " + address(b) + " " + bytes);
        return b;
    }

    private static long address(ByteBuffer direct) {
        try {
            Field f = Buffer.class.getDeclaredField("address");
            f.setAccessible(true);
            return f.getLong(direct);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1; // without --add-opens: the address is not told
        }
    }

    private static void watchStdin() {
        try {
            InputStream in = System.in;
            while (in.read() != -1) {
                // Any input is ignored; the end of it ends the workload.
            }
        } catch (IOException e) {
            // Ends the workload as the end of input does.
        }
        stop = true;
    }

    /** The agent's state once it finished starting (it starts off the main thread), at most 60 s. */
    private static String awaitAgent() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        String state = System.getProperty("dirtypages.state");
        while ((state == null || state.equals("starting")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            state = System.getProperty("dirtypages.state");
        }
        return state;
    }
}
