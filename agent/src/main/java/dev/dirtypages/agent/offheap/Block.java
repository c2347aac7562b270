package dev.dirtypages.agent.offheap;

import dev.dirtypages.agent.options.RegionKind;
import dev.dirtypages.kernel.Pages;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One off-heap allocation the agent tracks: {@code [start, end)} as the allocator returned it, and the
 * whole pages it touches, {@code [pageStart, pageEnd)}, which it may share with its neighbours.
 */
final class Block {
    /** Allocated, not yet armed: its writes are not reported until the sampler arms it. */
    static final int PENDING = 0;
    /** The sampler is registering and arming it. */
    static final int ARMING = 1;
    /** Armed: every write to its pages is reported from now on. */
    static final int ARMED = 2;
    /** Freed. */
    static final int FREED = 3;
    /** Its memory could not be registered; never reported. */
    static final int UNTRACKED = 4;

    private static final AtomicIntegerFieldUpdater<Block> STATE =
            AtomicIntegerFieldUpdater.newUpdater(Block.class, "state");

    final long id;
    final RegionKind kind;
    final long start;
    final long end;
    final long pageStart;
    final long pageEnd;
    private volatile int state;
    /**
     * Whether its RegionTracked event was committed at its allocation (else its arming commits one). Set before
     * the block is published to the sampler, read by the sampler.
     */
    boolean announced;
    /** Its number in the order of arming ({@link ArmedSpan#generation()}); set, and read, under the tracker's lock. */
    long armingNumber;

    Block(long id, RegionKind kind, long start, long end) {
        this.id = id;
        this.kind = kind;
        this.start = start;
        this.end = end;
        this.pageStart = Pages.alignDown(start);
        this.pageEnd = Pages.alignUp(Math.max(end, start + 1));
    }

    int state() {
        return state;
    }

    void state(int s) {
        state = s;
    }

    boolean transition(int from, int to) {
        return STATE.compareAndSet(this, from, to);
    }

    long size() {
        return end - start;
    }

    @Override
    public String toString() {
        return String.format("%s #%d [0x%x, 0x%x)", kind.eventName(), id, start, end);
    }
}
