package dev.dirtypages.samples;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A large long-lived map updated at random: the mutator writes old-generation pages all over the heap,
 * with little allocation. Prints {@code RESULT} with its throughput.
 *
 * <p>Usage: {@code OldGenMutator [seconds] [liveMiB]}.
 */
public final class OldGenMutator {
    private OldGenMutator() {
    }

    public static void main(String[] args) throws InterruptedException {
        Workloads.awaitAgent();
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int liveMiB = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int entries = liveMiB * 1024 / 2;                     // ~2 KiB per entry
        Map<Integer, long[]> map = new HashMap<>(entries * 2);
        for (int i = 0; i < entries; i++) {
            map.put(i, new long[240]);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Workloads.Meter meter = new Workloads.Meter(seconds);
        while (meter.running()) {
            for (int i = 0; i < 10_000; i++) {
                long[] value = map.get(random.nextInt(entries));
                value[random.nextInt(value.length)] += i;
            }
            meter.batch(10_000);
        }
        meter.result("OldGenMutator");
    }
}
