package dev.dirtypages.agent.testapp;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * An application whose output and exit code must not change under the agent, whatever happens to the
 * agent: it allocates and writes heap memory (from a second thread too), prints what it computed, writes a
 * line on stderr and exits with 7.
 *
 * <p>When the JVM was started with an agent, it first waits (silently, up to 60 s) until the agent has
 * finished starting ({@code dirtypages.state} is set), so that the agent has met whatever was built to
 * fail it before the application ends; without an agent it does not wait. Its output is the same either
 * way. Usage: {@code HostApp [seconds]}: with a number, it then goes on writing for that long.
 */
public final class HostApp {
    private HostApp() {
    }

    public static void main(String[] args) throws Exception {
        if (ManagementFactory.getRuntimeMXBean().getInputArguments().stream().anyMatch(a -> a.startsWith("-javaagent:"))) {
            KnownHeapWrites.awaitAgent();
        }
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 0;
        long[] sums = new long[2];
        Thread worker = new Thread(() -> sums[1] = work(7, 0), "host-app-worker");
        worker.start();
        sums[0] = work(3, seconds);
        worker.join();
        System.out.println("main checksum " + sums[0]);
        System.out.println("worker checksum " + sums[1]);
        System.err.println("host app's own stderr line");
        System.exit(7);
    }

    /** Fills and checksums a few MiB of arrays, deterministically; repeats for {@code seconds} if > 0. */
    static long work(int seed, long seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long result;
        do {
            List<byte[]> arrays = new ArrayList<>();
            CRC32 crc = new CRC32();
            for (int i = 0; i < 64; i++) {
                byte[] a = new byte[64 << 10];
                for (int j = 0; j < a.length; j += 512) {
                    a[j] = (byte) (seed * 31 + i * 7 + j);
                }
                arrays.add(a);
                crc.update(a);
            }
            result = crc.getValue() + arrays.size();
        } while (System.nanoTime() < deadline);
        return result;
    }
}
