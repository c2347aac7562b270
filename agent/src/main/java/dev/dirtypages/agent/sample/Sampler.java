package dev.dirtypages.agent.sample;

import dev.dirtypages.agent.collector.HeapLayout;
import dev.dirtypages.agent.collector.KindedSpan;
import dev.dirtypages.agent.collector.MemoryKind;
import dev.dirtypages.agent.events.DirtyRangeEvent;
import dev.dirtypages.agent.events.ScanEvent;
import dev.dirtypages.agent.options.AgentOptions;
import dev.dirtypages.agent.log.AgentLog;
import dev.dirtypages.agent.options.RegionKind;
import dev.dirtypages.agent.track.TrackedRegion;
import dev.dirtypages.agent.track.TrackedRegions;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.gcpause.PauseScan;
import dev.dirtypages.kernel.pagemap.RegionVisitor;
import dev.dirtypages.kernel.track.CollectResult;
import dev.dirtypages.kernel.track.RepairListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Scan on a timer: one daemon thread scans and re-arms every tracked region each interval and emits
 * what it found. Scans from other triggers (a chunk's end, shutdown) go through the same lock, so each
 * written page is reported by exactly one scan.
 */
public final class Sampler {
    private final TrackedRegions regions;
    private final AgentOptions options;
    private final AgentLog log;
    private final RangeEmitter emitter;
    /** Null with arming=plain. */
    private final AdaptiveArming adaptive;
    private final ThreadCost cost = new ThreadCost();
    private final List<ScanListener> listeners = new CopyOnWriteArrayList<>();
    private final Object scanLock = new Object();

    /** The heap's layout under arming=collector, once known; null: the heap is armed as the options say. */
    private volatile CollectorArming collectorArming;
    private volatile BlockSource blocks;
    private long scans;
    private int holds;
    /** Set by the scan at JFR's last chunk end: later scans serve the listeners only, and emit no events. */
    private boolean recordingsEnded;
    private long previousScanNanos;
    private volatile boolean stopped;
    private Thread thread;

    public Sampler(TrackedRegions regions, AgentOptions options, AgentLog log) {
        this.regions = regions;
        this.options = options;
        this.log = log;
        this.emitter = new RangeEmitter(options.maxRanges(), options.mergeGapBytes());
        this.adaptive = options.arming().adaptive() ? new AdaptiveArming(options.arming()) : null;
        this.previousScanNanos = System.nanoTime();
    }

    public void addListener(ScanListener listener) {
        listeners.add(listener);
    }

    /** Blocks to scan after the regions, from the next scan on (the off-heap kinds); null for none. */
    public void blocks(BlockSource source) {
        this.blocks = source;
    }

    /**
     * Arms the heap by {@code layout} from the next scan on (arming=collector): old and humongous memory measured,
     * young memory assumed written, free memory left alone.
     */
    public void heapLayout(HeapLayout layout) {
        this.collectorArming = new CollectorArming(layout);
    }

    public void removeListener(ScanListener listener) {
        listeners.remove(listener);
    }

    /**
     * Holds re-arming until {@link #release}: every scan but the shutdown scan is skipped meanwhile (it returns
     * a summary with scan id 0 and emits nothing), so that every page written since the last scan stays
     * WRITTEN in the page tables, where a read-only observer (a snapshot tool's final delta, see
     * dev.dirtypages.agent.consumer) finds it. Holds nest; the first scan after the last release reports
     * everything written meanwhile.
     */
    public void hold() {
        synchronized (scanLock) {
            if (holds++ == 0 && pauseHooks != null) {
                pauseHooks.held(true);
            }
        }
    }

    /** Ends one {@link #hold}. */
    public void release() {
        synchronized (scanLock) {
            if (holds > 0 && --holds == 0 && pauseHooks != null) {
                pauseHooks.held(false);
            }
        }
    }

    /** Starts the timer thread. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::run, "dirtypages-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long period = options.interval().toNanos();
        long next = System.nanoTime() + period;
        while (!stopped) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            try {
                if (consumerPresent()) {
                    scanNow(ScanTrigger.TIMER);
                }
            } catch (RuntimeException e) {
                log.error("scan failed, tracking continues: " + e);
            }
            // Fixed rate, but never a burst of catch-up scans after a long pause (a GC, a suspended VM).
            next = Math.max(next + period, System.nanoTime() + period / 2);
        }
    }

    /**
     * Someone reads what a scan reports. When no recording has the dirtypages events enabled and no
     * listener is registered, scanning would only re-arm pages, costing faults nobody reads about; the
     * first scan after a consumer appears reports everything written since the last one.
     */
    private boolean consumerPresent() {
        return !listeners.isEmpty() || new ScanEvent().isEnabled() || new DirtyRangeEvent().isEnabled();
    }

    /**
     * The scan at JFR's end-of-chunk hook while the JVM shuts down: the recordings' last. Scans after it (the
     * shutdown hook's, a timer scan not yet stopped, a consumer's) emit no JFR events: the recording is being
     * closed, and would keep some of a scan's events and drop others (its ranges, say, but not its Scan event).
     * With no listener to serve, they are skipped.
     */
    public ScanSummary lastScanForRecordings(ScanTrigger trigger) {
        synchronized (scanLock) {
            ScanSummary summary = scanNow(trigger);
            if (pauseHooks != null) {
                pauseHooks.recordingsEnding();
            }
            recordingsEnded = true;
            return summary;
        }
    }

    /** Scans and re-arms every tracked region now, and emits the results. */
    public ScanSummary scanNow(ScanTrigger trigger) {
        synchronized (scanLock) {
            PauseScanHooks hooks = pauseHooks;
            if (hooks == null) {
                return scan(trigger);
            }
            hooks.javaScan(true);
            try {
                return scan(trigger);
            } finally {
                hooks.drain();
                hooks.javaScan(false);
            }
        }
    }

    private ScanSummary scan(ScanTrigger trigger) {
        synchronized (scanLock) {
            if (holds > 0 && trigger != ScanTrigger.SHUTDOWN || recordingsEnded && listeners.isEmpty()) {
                // Held, or nobody would read it (the recordings have ended and no consumer listens): skipped.
                return new ScanSummary(0, trigger, 0, 0, 0, 0, regions.trackedBytes(), 0, 0, 0);
            }
            boolean emitting = !recordingsEnded;
            ScanEvent event = new ScanEvent();
            event.begin();
            // Read only for a recording that takes the event: consumers alone do not pay for it.
            boolean costed = emitting && event.isEnabled();
            long cpuBefore = costed ? cost.cpuNanos() : -1;
            long allocatedBefore = costed ? cost.allocatedBytes() : -1;
            long begin = System.nanoTime();
            long id = ++scans;
            boolean rangesEnabled = emitting && new DirtyRangeEvent().isEnabled();
            emitter.beginScan(id, rangesEnabled);
            if (adaptive != null) {
                adaptive.beginScan();
            }
            long reregistered = 0;
            CollectorArming byCollector = collectorArming;
            // Only the scans inside GC pauses read the spans: without them, the sampler does not keep them.
            List<KindedSpan> spans = pauseHooks == null ? null : new ArrayList<>();
            for (TrackedRegion region : regions.list()) {
                emitter.beginRegion(region.name());
                boolean heap = region.kind() == RegionKind.HEAP;
                if (heap) {
                    emitter.kind(MemoryKind.HEAP);
                }
                RegionVisitor measured = listeners.isEmpty() ? emitter
                        : new RegionVisitorWithListeners(id, region, emitter);
                try {
                    if (heap && byCollector != null) {
                        RegionVisitor young = listeners.isEmpty() ? emitter.young()
                                : new RegionVisitorWithListeners(id, region, emitter.young());
                        reregistered += byCollector.collect(regions.tracker(), region, trigger.mustBeComplete(), emitter,
                                measured, young, repairListener(region), spans);
                    } else if (adaptive == null) {
                        addWhole(spans, region);
                        CollectResult result = regions.tracker().collect(region.start(), region.end(), measured,
                                repairListener(region));
                        reregistered += result.reregistered();
                    } else {
                        addWhole(spans, region);
                        RegionVisitor assumed = listeners.isEmpty() ? emitter.assumed()
                                : new RegionVisitorWithListeners(id, region, emitter.assumed());
                        reregistered += adaptive.collect(regions.tracker(), region, measured, assumed,
                                repairListener(region));
                    }
                } catch (KernelException | IllegalArgumentException e) {
                    log.error("scan of " + region + " failed: " + e.getMessage());
                }
                emitter.flush();
            }
            if (adaptive != null) {
                adaptive.endScan();
            }
            if (spans != null) {
                heapSpans = List.copyOf(spans);
            }
            BlockSource source = blocks;
            if (source != null) {
                reregistered += scanBlocks(id, source, emitting);
            }
            long assumedPages = emitter.assumedPages();
            emitter.emitKinds(emitting);
            long end = System.nanoTime();
            long interval = begin - previousScanNanos;
            previousScanNanos = begin;
            event.end();
            long tracked = regions.trackedBytes() + (source == null ? 0 : source.trackedBytes());
            ScanSummary summary = new ScanSummary(id, trigger, interval, end - begin, emitter.pages(), assumedPages,
                    tracked, emitter.ranges(), emitter.omitted(), reregistered);
            if (emitting && event.shouldCommit()) {
                event.scanId = id;
                event.trigger = trigger.eventName();
                event.interval = interval;
                event.writtenPages = summary.writtenPages();
                event.writtenBytes = summary.writtenPages() * Pages.SIZE;
                event.assumedPages = assumedPages;
                event.assumedBytes = assumedPages * Pages.SIZE;
                event.trackedBytes = summary.trackedBytes();
                event.rangesFound = summary.ranges();
                event.rangesOmitted = summary.omitted();
                event.reregistered = reregistered;
                // Read last, so that they include building this event (the commit itself is not counted).
                event.cpuTime = ThreadCost.delta(cpuBefore, cost.cpuNanos());
                event.allocated = ThreadCost.delta(allocatedBefore, cost.allocatedBytes());
                event.commit();
            }
            for (ScanListener listener : listeners) {
                listener.scanCompleted(id, summary);
            }
            return summary;
        }
    }

    /** The blocks' written pieces, through the same emitter (one DirtyRange per run of one region name). */
    private long scanBlocks(long id, BlockSource source, boolean emitting) {
        String[] current = {null};
        long reregistered = 0;
        try {
            reregistered = source.scan(id, emitting, (start, end, kinds, region, assumedReason) -> {
                if (!region.equals(current[0])) {
                    emitter.flush();
                    emitter.beginRegion(region);
                    current[0] = region;
                }
                emitter.visit(start, end, assumedReason);
                for (ScanListener listener : listeners) {
                    for (dev.dirtypages.agent.options.RegionKind kind : kinds) {
                        listener.written(id, new TrackedRegion(kind, start, end), start, end);
                    }
                }
            });
        } catch (RuntimeException e) {
            log.error("scan of the off-heap blocks failed: " + e);
        }
        emitter.flush();
        return reregistered;
    }

    private RepairListener repairListener(TrackedRegion region) {
        return new RepairListener() {
            @Override
            public void reregistered(long start, long end) {
                regions.reregistered(region, start, end);
            }

            @Override
            public void untrackable(long start, long end, KernelException cause) {
                regions.untrackable(region, start, end, cause);
            }
        };
    }

    /** Passes each range to the emitter and to the listeners. */
    private final class RegionVisitorWithListeners implements RegionVisitor {
        private final long scanId;
        private final TrackedRegion region;
        private final RegionVisitor emitting;

        RegionVisitorWithListeners(long scanId, TrackedRegion region, RegionVisitor emitting) {
            this.scanId = scanId;
            this.region = region;
            this.emitting = emitting;
        }

        @Override
        public void visit(long start, long end, long categories) {
            emitting.visit(start, end, categories);
            for (ScanListener listener : listeners) {
                listener.written(scanId, region, start, end);
            }
        }
    }

    // ---- Scans made inside GC pauses (gcepochs=true; see dev.dirtypages.agent.gcepoch) ----

    /** The spans of the last scan from Java since the pause scans started (only they read them); null before. */
    private volatile List<KindedSpan> heapSpans;
    /** Null unless gcepochs=true. */
    private volatile PauseScanHooks pauseHooks;

    /** Tells the scans made inside GC pauses when Java scans run and when re-arming is held. */
    public void pauseScanHooks(PauseScanHooks hooks) {
        synchronized (scanLock) {
            this.pauseHooks = hooks;
            if (hooks != null && holds > 0) {
                hooks.held(true);
            }
        }
    }

    /** Takes in what the GC pauses scanned so far ({@link PauseScanHooks#drain}), with the scan lock held. */
    public void drainPauseScans() {
        synchronized (scanLock) {
            PauseScanHooks hooks = pauseHooks;
            if (hooks != null) {
                hooks.drain();
            }
        }
    }

    /**
     * The tracked memory cut as the last scan from Java cut it, in address order (before the first: every region
     * whole, of kind {@code heap}). The pauses scan the measured spans, as the timer does: under collector-aware
     * arming old and humongous memory, not the young memory it leaves unarmed.
     */
    public List<KindedSpan> heapSpans() {
        List<KindedSpan> spans = heapSpans;
        if (spans != null) {
            return spans;
        }
        List<KindedSpan> whole = new ArrayList<>();
        for (TrackedRegion region : regions.list()) {
            whole.add(wholeRegion(region));
        }
        return whole;
    }

    private static void addWhole(List<KindedSpan> spans, TrackedRegion region) {
        if (spans != null) {
            spans.add(wholeRegion(region));
        }
    }

    private static KindedSpan wholeRegion(TrackedRegion region) {
        return new KindedSpan(region.start(), Pages.alignUp(region.end()), MemoryKind.HEAP, true);
    }

    /**
     * Takes in a scan a GC pause made: gives it its scan id and passes its written pages to the listeners now
     * (so that a consumer's next checkpoint does not miss what the pause re-armed). Its events wait for
     * {@link #emitPauseScan}.
     */
    public PauseScanReport acceptPauseScan(PauseScan scan) {
        synchronized (scanLock) {
            long id = ++scans;
            long interval = Math.max(0, scan.beginNanos() - previousScanNanos);
            previousScanNanos = Math.max(previousScanNanos, scan.beginNanos());
            PauseScanReport report = new PauseScanReport(id, scan, interval, regions.trackedBytes());
            if (!listeners.isEmpty()) {
                visitByRegion(scan, (region, start, end) -> {
                    for (ScanListener listener : listeners) {
                        listener.written(id, region, start, end);
                    }
                });
                ScanSummary summary = summaryOf(report, 0, 0);
                for (ScanListener listener : listeners) {
                    listener.scanCompleted(id, summary);
                }
            }
            return report;
        }
    }

    /**
     * Runs {@code emit} (pauses' events: {@link #emitPauseScan} and what goes with them) with the scan lock held,
     * unless JFR's last chunk has ended: JFR's last chunk end, which takes the lock too, cannot come between a
     * pause's scans and its summary.
     *
     * @return whether it ran
     */
    public boolean whileRecording(Runnable emit) {
        synchronized (scanLock) {
            if (recordingsEnded) {
                return false;
            }
            emit.run();
            return true;
        }
    }

    /**
     * Emits the {@code dirtypages.Scan} and {@code dirtypages.DirtyRange} events of a scan a GC pause made. Call it
     * inside {@link #whileRecording}.
     */
    public void emitPauseScan(PauseScanReport report, long gcId) {
        synchronized (scanLock) {
            if (recordingsEnded) {
                return;
            }
            ScanEvent event = new ScanEvent();
            event.begin();
            emitter.beginScan(report.scanId(), new DirtyRangeEvent().isEnabled());
            String[] current = {null};
            visitByRegion(report.scan(), (region, start, end) -> {
                if (!region.name().equals(current[0])) {
                    emitter.flush();
                    emitter.beginRegion(region.name());
                    current[0] = region.name();
                }
                emitter.visit(start, end, 0);
            });
            emitter.flush();
            event.end();
            if (event.shouldCommit()) {
                ScanSummary summary = summaryOf(report, emitter.ranges(), emitter.omitted());
                event.scanId = report.scanId();
                event.trigger = summary.trigger().eventName();
                event.gcId = gcId;
                event.interval = summary.intervalNanos();
                event.writtenPages = summary.writtenPages();
                event.writtenBytes = summary.writtenPages() * Pages.SIZE;
                event.trackedBytes = summary.trackedBytes();
                event.rangesFound = summary.ranges();
                event.rangesOmitted = summary.omitted();
                event.commit();
            }
        }
    }

    private static ScanSummary summaryOf(PauseScanReport report, long ranges, long omitted) {
        PauseScan scan = report.scan();
        return new ScanSummary(report.scanId(), ScanTrigger.of(scan.kind()), report.intervalNanos(), scan.durationNanos(),
                scan.pages(), 0, report.trackedBytes(), ranges, omitted, 0);
    }

    /** A written range of a pause scan, with the tracked region it lies in. */
    private interface RegionRangeVisitor {
        void visit(TrackedRegion region, long start, long end);
    }

    /** Passes each written range of {@code scan} on, cut at the tracked regions' bounds. */
    private void visitByRegion(PauseScan scan, RegionRangeVisitor visitor) {
        List<TrackedRegion> tracked = regions.list();
        scan.visit((start, end, categories) -> {
            for (TrackedRegion region : tracked) {
                long from = Math.max(start, region.start());
                long to = Math.min(end, Pages.alignUp(region.end()));
                if (from < to) {
                    visitor.visit(region, from, to);
                }
            }
        });
    }

    public long scans() {
        synchronized (scanLock) {
            return scans;
        }
    }

    /** Stops the timer thread, waiting up to {@code millis} for a scan in progress. */
    public void stop(long millis) {
        stopped = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
