package dev.dirtypages.agent.testing;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The one way tests wait: for something another thread or process does, never for time to pass. Fails with
 * {@code message} when {@code timeout} runs out (the timeout is a safety net, never what a test measures).
 */
public final class Await {
    /** How often the condition is checked. */
    private static final long POLL_MILLIS = 10;

    private Await() {
    }

    /** A condition that may throw (reading a child's output, calling a channel). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Returns once {@code condition} holds; throws {@link AssertionError} with {@code message} if it does not within
     * {@code timeout}, or at once if {@code giveUp} holds first (the child it waits on ended, say).
     */
    public static void until(Duration timeout, Condition condition, Condition giveUp, Supplier<String> message)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (giveUp.holds()) {
                throw new AssertionError(message.get());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(message.get() + " (waited " + timeout.toMillis() + " ms)");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** {@link #until(Duration, Condition, Condition, Supplier)} with nothing to give up on. */
    public static void until(Duration timeout, Condition condition, Supplier<String> message) throws Exception {
        until(timeout, condition, () -> false, message);
    }
}
