package dev.dirtypages.samples;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A small application for the agent to watch: it churns short-lived objects (eden, rewritten after
 * every young collection) and updates a long-lived map at random (old-generation pages written by the
 * mutator). Prints its own throughput so that runs with and without the agent can be compared.
 *
 * <p>Usage: {@code HeapWorkload [seconds] [liveMiB]}.
 */
public final class HeapWorkload {
    private HeapWorkload() {
    }

    public static void main(String[] args) throws InterruptedException {
        Workloads.awaitAgent();
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int liveMiB = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int entries = liveMiB * 1024 / 4;                    // 4 KiB values
        Map<Integer, byte[]> live = new HashMap<>(entries * 2);
        for (int i = 0; i < entries; i++) {
            live.put(i, new byte[4096]);
        }
        Workloads.Meter meter = new Workloads.Meter(seconds);
        long sink = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (meter.running()) {
            for (int i = 0; i < 1000; i++) {
                byte[] garbage = new byte[random.nextInt(64, 2048)];   // short-lived: eden churn
                garbage[0] = (byte) i;
                sink += garbage.length;
                if ((i & 7) == 0) {                                   // old generation: random rewrites
                    int key = random.nextInt(entries);
                    if ((i & 63) == 0) {
                        live.put(key, new byte[4096]);
                    } else {
                        live.get(key)[random.nextInt(4096)]++;
                    }
                }
            }
            meter.batch(1000);
        }
        System.out.printf("HeapWorkload: %d operations in %.1f s (%.0f ops/s), live set %d MiB, checksum %d%n",
                meter.operations(), meter.seconds(), meter.operations() / meter.seconds(), liveMiB, sink & 0xff);
        meter.result("HeapWorkload");
    }
}
