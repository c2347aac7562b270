package dev.dirtypages.samples;

/** What every workload prints last, for the overhead harness (benchmarks/overhead) to read, and how it times itself. */
final class Workloads {
    private Workloads() {
    }

    /**
     * With {@code -Dworkload.awaitAgent=true} (the harness sets it when it loads the agent), waits until the agent
     * publishes its state (it starts off the main thread), at most 60 s: memory the workload allocates at its start
     * (direct buffers, say) is then tracked, as an application's long-lived memory would be.
     */
    static void awaitAgent() throws InterruptedException {
        if (!Boolean.getBoolean("workload.awaitAgent")) {
            return;
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.getProperty("dirtypages.state") == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /**
     * Counts a workload's operations in batches and times them, leaving out a warm-up of
     * {@code -Dworkload.warmup=<seconds>} (default 0) before the measured {@code seconds}: the harness uses it to
     * measure the steady state, apart from the JVM's (and the agent's) start.
     */
    static final class Meter {
        private final long warmupEnd;
        private final long deadline;
        private long measuredFrom = -1;
        private long lastBatchEnd;
        private long operations;

        Meter(int seconds) {
            long now = System.nanoTime();
            long warmup = Long.getLong("workload.warmup", 0) * 1_000_000_000L;
            warmupEnd = now + warmup;
            deadline = warmupEnd + seconds * 1_000_000_000L;
            if (warmup == 0) {
                measuredFrom = now;
                lastBatchEnd = now;
            }
        }

        boolean running() {
            return System.nanoTime() < deadline;
        }

        /** A batch of {@code n} operations ended; batches that end during the warm-up are not counted. */
        void batch(long n) {
            long now = System.nanoTime();
            if (measuredFrom < 0) {
                if (now >= warmupEnd) {
                    measuredFrom = now; // measurement starts at a batch boundary
                    lastBatchEnd = now;
                }
                return;
            }
            operations += n;
            lastBatchEnd = now;
        }

        long operations() {
            return operations;
        }

        double seconds() {
            return (lastBatchEnd - measuredFrom) / 1e9;
        }

        /** {@code RESULT <name> operations=<n> seconds=<measured> opsPerSecond=<x>}. */
        void result(String name) {
            System.out.printf("RESULT %s operations=%d seconds=%.3f opsPerSecond=%.3f%n", name, operations, seconds(),
                    operations / seconds());
        }
    }
}
