package dev.dirtypages.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the agent adds to a JVM's memory footprint: it keeps {@code liveMiB} of long-lived data, churns short-lived
 * objects for {@code churnSeconds} (eden in use), then idles for {@code idleSeconds} and prints the process's page
 * tables ({@code VmPTE}) and transparent huge pages ({@code AnonHugePages}), for runs with and without the agent to
 * be compared (benchmarks/overhead/footprint.sh).
 *
 * <p>Usage: {@code FootprintWorkload <liveMiB> <churnSeconds> <idleSeconds>}. Prints
 * {@code RESULT vmPteKiB=<n> anonHugePagesKiB=<n>}.
 */
public final class FootprintWorkload {
    private FootprintWorkload() {
    }

    public static void main(String[] args) throws Exception {
        int liveMiB = Integer.parseInt(args[0]);
        long churnNanos = Long.parseLong(args[1]) * 1_000_000_000L;
        long idleMillis = Long.parseLong(args[2]) * 1000L;
        List<byte[]> live = new ArrayList<>();
        for (int i = 0; i < liveMiB; i++) {
            live.add(new byte[1 << 20]);
        }
        long sink = 0;
        long end = System.nanoTime() + churnNanos;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < end) {
            byte[] garbage = new byte[random.nextInt(64, 4096)];
            garbage[0] = 1;
            sink += garbage.length;
        }
        Thread.sleep(idleMillis);
        System.out.println("RESULT vmPteKiB=" + kib("/proc/self/status", "VmPTE:") + " anonHugePagesKiB="
                + kib("/proc/self/smaps_rollup", "AnonHugePages:") + " live=" + live.size() + " sink=" + (sink & 1));
    }

    private static long kib(String file, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of(file))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
