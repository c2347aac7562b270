package dev.dirtypages.agent.offheap;

import dev.dirtypages.agent.events.BlockWritesEvent;
import dev.dirtypages.agent.events.RegionTrackedEvent;
import dev.dirtypages.agent.events.RegionUntrackedEvent;
import dev.dirtypages.agent.offheap.Attribution.BlockCount;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.Pages;
import java.util.List;

/**
 * The off-heap blocks' JFR events: {@code RegionTracked} and {@code RegionUntracked} (committed on the
 * allocating and freeing threads, so that their stack traces say where), and {@code BlockWrites} (the sampler's).
 *
 * <p>Loaded only once JFR is set up (see {@link OffHeapTracker#attach}): loading an event class sets JFR's
 * metadata up, which is kept off the premain thread and off the application's first allocations.
 */
final class BlockEvents {
    static final String ALLOCATED = "allocated; armed by the next scan";
    static final String FREED = "freed";
    static final String ARMED_LATE = "allocated while no recording took this event; armed by this scan";

    /** Asked whether the events are enabled (a question about their type, not about the instance): no allocation per block. */
    private static final RegionTrackedEvent TRACKED = new RegionTrackedEvent();
    private static final RegionUntrackedEvent UNTRACKED = new RegionUntrackedEvent();

    private BlockEvents() {
    }

    /** Loads the event classes. */
    static void load() {
        TRACKED.isEnabled();
        UNTRACKED.isEnabled();
        new BlockWritesEvent().isEnabled();
    }

    static boolean trackedEnabled() {
        return TRACKED.isEnabled();
    }

    static boolean untrackedEnabled() {
        return UNTRACKED.isEnabled();
    }

    static void allocated(Block b) {
        new RegionTrackedEvent().commit(b.kind.eventName(), b.start, b.end, ALLOCATED, b.id);
    }

    static void freed(Block b) {
        new RegionUntrackedEvent().commit(b.kind.eventName(), b.start, b.end, FREED, b.id);
    }

    static void forgotten(Block stale) {
        new RegionUntrackedEvent().commit(stale.kind.eventName(), stale.start, stale.end,
                "its address was allocated again before the agent saw it freed", stale.id);
    }

    static void refused(Block b, String why) {
        new RegionUntrackedEvent().commit(b.kind.eventName(), b.start, b.end, "cannot be registered: " + why, b.id);
    }

    /**
     * RegionTracked for the blocks allocated while no recording took the event (before the agent's own
     * recording started, most often): committed at their arming, so that every reported block has one.
     */
    static void armedLate(List<Block> blocks) {
        if (blocks.isEmpty() || !TRACKED.isEnabled()) {
            return;
        }
        for (Block b : blocks) {
            new RegionTrackedEvent().commit(b.kind.eventName(), b.start, b.end, ARMED_LATE, b.id);
        }
    }

    static void reregistered(long start, long end) {
        new RegionTrackedEvent().commit("off-heap", start, end,
                "registered again after its mapping was replaced; its pages count as written", 0);
    }

    static void untrackable(long start, long end, KernelException cause) {
        new RegionUntrackedEvent().commit("off-heap", start, end, "cannot be registered again: " + cause.getMessage(), 0);
    }

    /** One {@code BlockWrites} per block with written pages, the heaviest first, at most {@code max}. */
    static void blockWrites(long scanId, List<BlockCount> counts, int max) {
        if (!new BlockWritesEvent().isEnabled()) {
            return;
        }
        int rank = 0;
        for (BlockCount c : counts) {
            if (rank >= max) {
                break;
            }
            BlockWritesEvent e = new BlockWritesEvent();
            Block b = c.block();
            e.scanId = scanId;
            e.rank = ++rank;
            e.blockId = b.id;
            e.kind = b.kind.eventName();
            e.startAddress = b.start;
            e.endAddress = b.end;
            e.size = b.size();
            e.writtenPages = c.pages();
            e.writtenBytes = c.pages() * Pages.SIZE;
            e.freed = b.state() == Block.State.FREED;
            e.commit();
        }
    }
}
