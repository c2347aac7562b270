package dev.dirtypages.samples;

/** What every workload prints last, for the overhead harness (benchmarks/overhead) to read. */
final class Workloads {
    private Workloads() {
    }

    /** {@code RESULT <name> operations=<n> seconds=<elapsed> opsPerSecond=<x>}, timed from {@code startNanos}. */
    static void result(String name, long operations, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("RESULT %s operations=%d seconds=%.3f opsPerSecond=%.3f%n", name, operations, seconds,
                operations / seconds);
    }
}
