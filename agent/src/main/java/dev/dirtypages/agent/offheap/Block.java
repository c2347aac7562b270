package dev.dirtypages.agent.offheap;

import dev.dirtypages.agent.options.RegionKind;
import dev.dirtypages.kernel.Pages;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One off-heap allocation the agent tracks: {@code [start, end)} as the allocator returned it, and the
 * whole pages it touches, {@code [pageStart, pageEnd)}, which it may share with its neighbours.
 */
final class Block {
    /** Where a block is in its life; changed by compare-and-set, from the allocating, scanning and freeing threads. */
    enum State {
        /** Allocated, not yet armed: the next scan arms it (and reports what it was written before). */
        PENDING,
        /** The sampler is registering and arming it. */
        ARMING,
        /** Armed: every write to its pages is reported from now on. */
        ARMED,
        /** Freed. */
        FREED,
        /** Its memory could not be registered; never reported. */
        UNTRACKED
    }

    private static final AtomicReferenceFieldUpdater<Block, State> STATE =
            AtomicReferenceFieldUpdater.newUpdater(Block.class, State.class, "state");

    final long id;
    final RegionKind kind;
    final long start;
    final long end;
    final long pageStart;
    final long pageEnd;
    private volatile State state = State.PENDING;
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

    State state() {
        return state;
    }

    void state(State s) {
        state = s;
    }

    boolean transition(State from, State to) {
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
