package dev.dirtypages.agent.testapp;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Load: many threads write random pages of known memory while the agent scans at its shortest interval,
 * and log every write with the times around it: the ground truth {@code ConcurrentWritesIT} checks the
 * recording against.
 *
 * <p>Targets (args[3], joined with '+'): {@code heap}, a humongous byte array (G1 never moves it; its
 * address is read with {@code -XX:-UseCompressedOops}); {@code direct}, a direct ByteBuffer (for when the
 * agent tracks off-heap memory). Each writer, until the time is up, picks a target and {@value #BATCH}
 * distinct random pages of it, notes the time, writes one byte into each page, notes the time again, logs
 * {@code (t0, t1, target, pages)}, and pauses a little (some batches not at all, to collide with scans).
 *
 * <p>Usage: {@code ConcurrentWriters <threads> <seconds> <MiB per target> <targets> <log file>}. Prints
 * {@code TARGET <index> <name> <firstPage> <pages>}, {@code START <epoch nanos>} (writes begin after it),
 * {@code DONE <batches>}, and {@code MOVED} if a heap target moved. The log is binary: per batch
 * {@code long t0, long t1, byte target, byte n, int page * n} (epoch nanos, page indexes from firstPage).
 */
public final class ConcurrentWriters {
    static final long PAGE = 4096;
    static final int BATCH = 8;

    private ConcurrentWriters() {
    }

    /**
     * A mark on the recording's clock: JFR stamps the event, the field holds this process's epoch clock at
     * the same moment. The test measures the offset between the two clocks from the marks, instead of
     * guessing a slack.
     */
    @jdk.jfr.Name("testapp.ClockMark")
    @jdk.jfr.StackTrace(false)
    static final class ClockMark extends jdk.jfr.Event {
        long epochNanos;
        long uncertaintyNanos;

        static void commitNow() {
            ClockMark mark = new ClockMark();
            long before = KnownHeapWrites.epochNanos();
            mark.begin();
            long after = KnownHeapWrites.epochNanos();
            mark.epochNanos = before + (after - before) / 2;
            mark.uncertaintyNanos = (after - before) / 2;
            mark.commit();
        }
    }

    /** Memory with a known address whose pages the writers write. */
    abstract static class Target {
        final String name;
        long firstPage;
        int pages;

        Target(String name) {
            this.name = name;
        }

        /** Writes a byte at {@code offset} (0..4095) of page {@code page}. */
        abstract void write(int page, int offset, byte value);

        /** Still at the address it had (heap objects could move). */
        boolean unmoved() {
            return true;
        }
    }

    /** A humongous byte array: under G1 it never moves. */
    static final class HeapTarget extends Target {
        private final sun.misc.Unsafe unsafe;
        private final byte[] array;
        private final long data;

        HeapTarget(sun.misc.Unsafe unsafe, int bytes) {
            super("heap");
            this.unsafe = unsafe;
            this.array = new byte[bytes];
            this.data = address();
            firstPage = (data + PAGE - 1) & -PAGE;
            pages = (int) ((data + bytes - firstPage) / PAGE);
        }

        private long address() {
            return KnownHeapWrites.addressOf(unsafe, array) + unsafe.arrayBaseOffset(byte[].class);
        }

        @Override
        void write(int page, int offset, byte value) {
            array[(int) (firstPage - data + page * PAGE + offset)] = value;
        }

        @Override
        boolean unmoved() {
            return address() == data;
        }
    }

    /** A direct buffer: malloc'ed memory, never moved. */
    static final class DirectTarget extends Target {
        private final ByteBuffer buffer;
        private final long data;

        DirectTarget(sun.misc.Unsafe unsafe, int bytes) throws ReflectiveOperationException {
            super("direct");
            buffer = ByteBuffer.allocateDirect(bytes);
            Field address = Buffer.class.getDeclaredField("address");
            data = unsafe.getLong(buffer, unsafe.objectFieldOffset(address));
            firstPage = (data + PAGE - 1) & -PAGE;
            pages = (int) ((data + bytes - firstPage) / PAGE);
        }

        @Override
        void write(int page, int offset, byte value) {
            buffer.put((int) (firstPage - data + page * PAGE + offset), value);
        }
    }

    /** One writer's log, in growable primitive arrays (no allocation per write). */
    static final class Log {
        long[] times = new long[2 * 4096];
        int[] entries = new int[(BATCH + 1) * 4096]; // target, then the pages
        int batches;

        void add(long t0, long t1, int target, int[] pages) {
            if (batches * 2 + 2 > times.length) {
                times = Arrays.copyOf(times, times.length * 2);
                entries = Arrays.copyOf(entries, entries.length * 2);
            }
            times[batches * 2] = t0;
            times[batches * 2 + 1] = t1;
            entries[batches * (BATCH + 1)] = target;
            System.arraycopy(pages, 0, entries, batches * (BATCH + 1) + 1, BATCH);
            batches++;
        }
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        long seconds = Long.parseLong(args[1]);
        int bytes = Integer.parseInt(args[2]) << 20;
        Path logFile = Path.of(args[4]);

        sun.misc.Unsafe unsafe = KnownHeapWrites.unsafe();
        List<Target> targets = new ArrayList<>();
        for (String kind : args[3].split("\\+")) {
            targets.add(kind.equals("direct") ? new DirectTarget(unsafe, bytes) : new HeapTarget(unsafe, bytes));
        }
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            System.out.println("TARGET " + i + " " + t.name + " " + t.firstPage + " " + t.pages);
        }
        Thread.sleep(200); // a few scans report the targets' allocation (zeroing) before the writes start
        ClockMark.commitNow();
        long start = KnownHeapWrites.epochNanos();
        System.out.println("START " + start);
        System.out.flush();

        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Log[] logs = new Log[threads];
        Thread[] writers = new Thread[threads];
        for (int w = 0; w < threads; w++) {
            Log log = logs[w] = new Log();
            writers[w] = new Thread(() -> write(targets, log, deadline), "writer-" + w);
            writers[w].start();
        }
        while (System.nanoTime() < deadline) {
            ClockMark.commitNow();
            Thread.sleep(100);
        }
        long batches = 0;
        for (int w = 0; w < threads; w++) {
            writers[w].join();
            batches += logs[w].batches;
        }
        // Writes are over; let timer scans run, so that every write has a scan after it.
        Thread.sleep(200);
        for (Target t : targets) {
            if (!t.unmoved()) {
                System.out.println("MOVED " + t.name);
            }
        }
        save(logs, logFile);
        System.out.println("DONE " + batches);        System.out.println("STATE " + System.getProperty("dirtypages.state"));
    }

    static void write(List<Target> targets, Log log, long deadline) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int[] pages = new int[BATCH];
        while (System.nanoTime() < deadline) {
            int ti = random.nextInt(targets.size());
            Target target = targets.get(ti);
            for (int i = 0; i < BATCH; i++) {
                int p;
                boolean fresh;
                do {
                    p = random.nextInt(target.pages);
                    fresh = true;
                    for (int j = 0; j < i; j++) {
                        fresh &= pages[j] != p;
                    }
                } while (!fresh);
                pages[i] = p;
            }
            long t0 = KnownHeapWrites.epochNanos();
            for (int p : pages) {
                target.write(p, random.nextInt((int) PAGE), (byte) random.nextInt());
            }
            long t1 = KnownHeapWrites.epochNanos();
            log.add(t0, t1, ti, pages);
            if (random.nextInt(4) != 0) {
                LockSupport.parkNanos(random.nextLong(200_000, 1_500_000));
            }
        }
    }

    static void save(Log[] logs, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            for (Log log : logs) {
                for (int b = 0; b < log.batches; b++) {
                    out.writeLong(log.times[b * 2]);
                    out.writeLong(log.times[b * 2 + 1]);
                    out.writeByte(log.entries[b * (BATCH + 1)]);
                    out.writeByte(BATCH);
                    for (int i = 0; i < BATCH; i++) {
                        out.writeInt(log.entries[b * (BATCH + 1) + 1 + i]);
                    }
                }
            }
        }
    }
}
