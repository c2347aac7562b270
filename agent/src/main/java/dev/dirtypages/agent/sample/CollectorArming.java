package dev.dirtypages.agent.sample;

import dev.dirtypages.agent.collector.HeapLayout;
import dev.dirtypages.agent.collector.KindedSpan;
import dev.dirtypages.agent.collector.MemoryKind;
import dev.dirtypages.agent.track.TrackedRegion;
import dev.dirtypages.kernel.pagemap.RegionVisitor;
import dev.dirtypages.kernel.track.RepairListener;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.List;

/**
 * Collector-aware arming ({@code arming=collector}): the heap cut by its {@link HeapLayout}, old and humongous
 * spans collected and re-armed (measured), young spans reported whole without a system call (assumed, reason
 * {@code young}) and never re-armed, free spans left alone.
 *
 * <p>Why nothing is missed: a page is write-protected only by a collection that reports what it held, and only
 * spans believed old or humongous are collected. A span the layout believes young is reported whole by every scan;
 * a span it believes free, or young, is never re-armed, so every page written there stays WRITTEN in the kernel's
 * view until the first scan that collects it (once the layout calls it old, however late) reports it.
 *
 * <p>Used by the sampler thread only, under its scan lock.
 */
final class CollectorArming {
    private final HeapLayout layout;

    CollectorArming(HeapLayout layout) {
        this.layout = layout;
    }

    HeapLayout layout() {
        return layout;
    }

    /**
     * Collects the heap region {@code region}: measured spans through {@code tracker} to {@code measured}, young
     * spans whole to {@code young}, each after telling {@code emitter} the span's kind. A {@code complete} scan
     * (any but the timer's) measures free spans too: see {@link HeapLayout#forEachSpan}. Every span, with its kind
     * and whether it was measured, goes to {@code spans} (when not null).
     *
     * @return the stretches registered again on the way
     */
    long collect(WriteTracker tracker, TrackedRegion region, boolean complete, RangeEmitter emitter,
                 RegionVisitor measured, RegionVisitor young, RepairListener repairs, List<KindedSpan> spans) {
        long[] reregistered = {0};
        layout.forEachSpan(region.start(), region.end(), complete, (start, end, kind, treatment) -> {
            if (spans != null) {
                spans.add(new KindedSpan(start, end, kind, treatment == MemoryKind.Treatment.MEASURE));
            }
            emitter.kind(kind);
            if (treatment == MemoryKind.Treatment.MEASURE) {
                reregistered[0] += tracker.collect(start, end, measured, repairs).reregistered();
            } else if (treatment == MemoryKind.Treatment.ASSUME) {
                young.visit(start, end, 0);
            }
        });
        return reregistered[0];
    }
}
