package dev.dirtypages.agent.track;

import dev.dirtypages.agent.events.RegionTrackedEvent;
import dev.dirtypages.agent.events.RegionUntrackedEvent;
import dev.dirtypages.agent.log.AgentLog;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The regions being tracked, registered with one {@link WriteTracker}. Registering and unregistering
 * emit {@code dirtypages.RegionTracked} and {@code dirtypages.RegionUntracked}.
 */
public final class TrackedRegions {
    private final WriteTracker tracker;
    private final AgentLog log;
    private final List<TrackedRegion> regions = new CopyOnWriteArrayList<>();

    public TrackedRegions(WriteTracker tracker, AgentLog log) {
        this.tracker = tracker;
        this.log = log;
    }

    public WriteTracker tracker() {
        return tracker;
    }

    /**
     * Registers {@code region}, unarmed: its first scan reports every page written since it was mapped (the
     * application runs before the agent finds its memory; what it wrote meanwhile is reported, not forgotten).
     * A region the kernel will not register (another userfaultfd owns
     * it, vm.max_map_count is exhausted, ...) is left alone with one line saying why.
     *
     * @return whether the region is now tracked
     */
    public boolean add(TrackedRegion region, String reason) {
        try {
            tracker.trackWrittenSinceMapped(region.start(), region.end());
        } catch (KernelException e) {
            log.warn("not tracking " + region + ": " + e.getMessage());
            return false;
        }
        regions.add(region);
        emitTracked(region.kind().eventName(), region.start(), region.end(), reason);
        log.info("tracking " + region + " (" + reason + ")");
        return true;
    }

    /** Stops tracking {@code region}. */
    public void remove(TrackedRegion region, String reason) {
        if (regions.remove(region)) {
            try {
                tracker.untrack(region.start(), region.end());
            } catch (KernelException e) {
                log.debug("unregistering " + region + ": " + e.getMessage());
            }
            emitUntracked(region.kind().eventName(), region.start(), region.end(), reason);
        }
    }

    public List<TrackedRegion> list() {
        return regions;
    }

    public long trackedBytes() {
        long total = 0;
        for (TrackedRegion r : regions) {
            total += r.size();
        }
        return total;
    }

    static void emitTracked(String kind, long start, long end, String reason) {
        new RegionTrackedEvent().commit(kind, start, end, reason);
    }

    static void emitUntracked(String kind, long start, long end, String reason) {
        new RegionUntrackedEvent().commit(kind, start, end, reason);
    }

    /** A stretch of {@code region} was registered again after the JVM remapped it. */
    public void reregistered(TrackedRegion region, long start, long end) {
        emitTracked(region.kind().eventName(), start, end,
                "registered again after the JVM remapped it (heap commit or uncommit); its pages count as written");
        log.debug(String.format("re-registered [0x%x, 0x%x) of %s", start, end, region.name()));
    }

    /** A stretch of {@code region} could not be registered again. */
    public void untrackable(TrackedRegion region, long start, long end, KernelException cause) {
        emitUntracked(region.kind().eventName(), start, end, "cannot be registered again: " + cause.getMessage());
        log.warn(String.format("part [0x%x, 0x%x) of %s is not tracked for now: %s", start, end, region.name(),
                cause.getMessage()));
    }
}
