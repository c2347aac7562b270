package dev.dirtypages.agent.consumer;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A consumer's freeze: its last checkpoint before the process is stopped, and a hold on every re-arming
 * scan, so that whatever is written from the freeze on stays visible as WRITTEN to a read-only
 * {@code PAGEMAP_SCAN} of {@code /proc/<pid>/pagemap}. Ends with {@link #thaw()} (or {@link #close()}), or by
 * itself when its lease runs out: the agent is never left frozen by a tool that went away.
 */
public final class Freeze implements AutoCloseable {
    private final Checkpoint checkpoint;
    private final Runnable release;
    private final long startNanos = System.nanoTime();
    private final long leaseNanos;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean expired;
    private volatile long endNanos;
    private volatile ScheduledFuture<?> expiry;

    Freeze(Checkpoint checkpoint, long leaseNanos, Runnable release) {
        this.checkpoint = checkpoint;
        this.leaseNanos = leaseNanos;
        this.release = release;
    }

    /** The ranges written since the consumer's previous checkpoint, up to the freeze. */
    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public long leaseNanos() {
        return leaseNanos;
    }

    void expireWith(ScheduledFuture<?> future) {
        this.expiry = future;
    }

    /** The lease ran out: scanning resumes. */
    void expire() {
        if (end()) {
            expired = true;
        }
    }

    /**
     * Ends the freeze; scanning resumes.
     *
     * @return true when the freeze was held until now, false when its lease had already run out (re-arming
     *         may then have hidden writes from a read-only observer after the expiry)
     */
    public boolean thaw() {
        end();
        return !expired;
    }

    private boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        endNanos = System.nanoTime();
        ScheduledFuture<?> f = expiry;
        if (f != null) {
            f.cancel(false);
        }
        release.run();
        return true;
    }

    public boolean isActive() {
        return !ended.get();
    }

    public boolean isExpired() {
        return expired;
    }

    /** How long scanning has been (or was) held. */
    public long heldNanos() {
        long end = endNanos;
        return (end != 0 ? end : System.nanoTime()) - startNanos;
    }

    @Override
    public void close() {
        thaw();
    }
}
