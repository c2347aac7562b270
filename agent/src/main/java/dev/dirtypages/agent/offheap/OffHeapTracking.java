package dev.dirtypages.agent.offheap;

import dev.dirtypages.agent.offheap.bridge.OffHeapHooks;
import dev.dirtypages.agent.options.AgentOptions;
import dev.dirtypages.agent.options.RegionKind;
import dev.dirtypages.agent.log.AgentLog;
import dev.dirtypages.agent.sample.BlockSource;
import dev.dirtypages.kernel.pagemap.PagemapScanner;
import dev.dirtypages.kernel.track.WriteTracker;
import java.lang.instrument.Instrumentation;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongBinaryOperator;
import java.util.stream.Collectors;

/**
 * Off-heap tracking, wired: the bridge in {@code java.base}, the hooks on the JDK's allocation paths and the
 * {@link OffHeapTracker} they report to. Started only when {@code regions=} names an off-heap kind; with
 * {@code regions=heap} none of it is loaded and the JDK's classes are left as they are.
 *
 * <p>Two steps, on two threads. {@link #install} runs inside {@code premain}, on the thread that goes on to
 * run the application's {@code main}: it defines the bridge and adds the hooks, so that every block
 * allocated after {@code premain} returns is recorded, and touches nothing else (no kernel, no JNA, no JFR
 * set-up, no {@code java.util.logging}). {@link #attach} runs later on the agent's own start-up thread, once
 * the userfaultfd is open: the blocks recorded meanwhile are armed by the first scan, which reports what was
 * written to them before (see {@link OffHeapTracker}). When tracking cannot start, {@link #detach} stops
 * recording.
 */
public final class OffHeapTracking {
    private final OffHeapTracker tracker;
    private final Set<RegionKind> kinds;
    private final Bridge bridge;
    private final AgentLog log;

    private OffHeapTracking(OffHeapTracker tracker, Set<RegionKind> kinds, Bridge bridge, AgentLog log) {
        this.tracker = tracker;
        this.kinds = kinds;
        this.bridge = bridge;
        this.log = log;
    }

    /** The off-heap kinds among {@code regions}. */
    public static Set<RegionKind> requested(Set<RegionKind> regions) {
        Set<RegionKind> out = EnumSet.noneOf(RegionKind.class);
        for (RegionKind k : regions) {
            if (k.offHeap()) {
                out.add(k);
            }
        }
        return out;
    }

    /**
     * Installs the bridge and the hooks, and records allocations from now on (without arming them: that waits
     * for {@link #attach}). Cheap enough for {@code premain}: no system call but the JVM's own retransformation.
     * The calling thread's own allocations meanwhile are not recorded; afterwards they are (it is the
     * application's main thread under {@code -javaagent}).
     *
     * @param problems where to add what keeps a requested kind from being tracked
     * @return null when no off-heap kind is requested or none can be tracked
     */
    public static OffHeapTracking install(AgentOptions options, Instrumentation instrumentation, AgentLog log,
                                          List<String> problems) {
        Set<RegionKind> kinds = requested(options.regions());
        if (kinds.isEmpty()) {
            return null;
        }
        int feature = Runtime.version().feature();
        boolean arenas = feature >= AllocationHooks.ARENA_FEATURE;
        if (kinds.contains(RegionKind.ARENA) && !arenas) {
            kinds.remove(RegionKind.ARENA);
            String why = "FFM arenas are tracked on JDK " + AllocationHooks.ARENA_FEATURE + " and later (this is JDK "
                    + feature + ")";
            if (kinds.isEmpty()) {
                log.info(why);
                return null;
            }
            log.debug(why); // with regions=all, the default, on JDK 17 to 21: no news, and no line before main
        }
        if (instrumentation == null || !instrumentation.isRetransformClassesSupported()) {
            problems.add("off-heap memory is not tracked: the JVM does not let the agent retransform classes");
            log.warn("off-heap memory is not tracked: the JVM does not let the agent retransform classes");
            return null;
        }
        OffHeapTracker tracker = new OffHeapTracker(log, options.maxRanges());
        Bridge bridge = null;
        try {
            warmUp(tracker);
            bridge = Bridge.define(instrumentation);
            bridge.ignoreCurrentThread();
            try {
                bridge.receivers(receiver(tracker, kinds, RegionKind.UNSAFE),
                        receiver(tracker, kinds, RegionKind.DIRECT), receiver(tracker, kinds, RegionKind.ARENA),
                        tracker::freed);
                AllocationHooks.Installed installed = AllocationHooks.install(instrumentation, arenas);
                if (!installed.transformed().contains(AllocationHooks.UNSAFE)) {
                    throw new IllegalStateException("the hooks could not be added to " + AllocationHooks.UNSAFE
                            + (installed.errors().isEmpty() ? "" : ": " + String.join("; ", installed.errors())));
                }
                for (String error : installed.errors()) {
                    log.debug("hooks: " + error);
                }
                log.debug("hooks in " + installed.transformed().stream().sorted().collect(Collectors.joining(", "))
                        );
            } finally {
                bridge.attendCurrentThread();
            }
            return new OffHeapTracking(tracker, kinds, bridge, log);
        } catch (Throwable t) {
            clear(bridge);
            String why = t.getMessage() == null ? t.toString() : t.getMessage();
            problems.add("off-heap memory is not tracked: " + why);
            log.warn("off-heap memory is not tracked, the heap still is: " + why);
            return null;
        }
    }

    /**
     * Arms from now on: the blocks recorded so far, and those to come, are armed by the sampler's scans, sharing
     * the heap's userfaultfd (with a scanner of their own, so that frees never wait for a heap scan). Called on
     * the agent's start-up thread, whose own allocations are not recorded from then on.
     *
     * @return false when the blocks cannot be armed (recording has then stopped, see {@link #detach})
     */
    public boolean attach(WriteTracker heap, List<String> problems) {
        PagemapScanner scanner;
        try {
            scanner = PagemapScanner.openSelf(PagemapScanner.DEFAULT_CAPACITY);
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            problems.add("off-heap memory is not tracked: " + why);
            log.warn("off-heap memory is not tracked: " + why);
            detach();
            return false;
        }
        tracker.attach(new WriteTracker(heap.userfaultfd(), scanner));
        log.info("tracking off-heap blocks: " + kinds.stream().map(RegionKind::optionName)
                .collect(Collectors.joining("+")) + " (" + tracker.liveBlocks() + " live since premain, armed by the "
                + "first scan)");
        return true;
    }

    /**
     * For an agent attached to a running JVM: tracks the direct buffers alive now (their allocations came before
     * the hooks), and says what cannot be found. Call once, after {@link #install}.
     *
     * @return one sentence for the start line and {@code dirtypages.AgentStatus}: what of the off-heap memory
     *         allocated before the attach is tracked, and what is not
     */
    public String findAllocatedBeforeAttach(Instrumentation instrumentation) {
        String found;
        if (kinds.contains(RegionKind.DIRECT)) {
            long[] bytes = {0};
            try {
                int n = LiveDirectBuffers.find(instrumentation, (address, size) -> {
                    tracker.found(RegionKind.DIRECT, address, size);
                    bytes[0] += size;
                });
                found = n + " direct buffers alive at the attach (" + bytes[0] + " bytes) found through their "
                        + "cleaners and tracked";
            } catch (ReflectiveOperationException | RuntimeException e) {
                found = "direct buffers alive at the attach not found (" + e + ")";
            }
        } else {
            found = null;
        }
        StringBuilder missing = new StringBuilder();
        if (kinds.contains(RegionKind.UNSAFE)) {
            missing.append("Unsafe memory");
        }
        if (kinds.contains(RegionKind.ARENA)) {
            missing.append(missing.length() == 0 ? "" : " and ").append("FFM arena segments");
        }
        String notFound = missing.length() == 0 ? null : missing + " allocated before the attach cannot be found "
                + "and are not tracked (load the agent with -javaagent to track them from the start)";
        return found == null ? notFound : notFound == null ? found : found + "; " + notFound;
    }

    /** The calling thread's allocations are not recorded from now on: for the agent's own threads. */
    public void ignoreCurrentThread() {
        try {
            bridge.ignoreCurrentThread();
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("cannot exempt " + Thread.currentThread().getName() + " from tracking: " + e);
        }
    }

    /**
     * Stops recording allocations and forgets the blocks recorded: the write tracking they waited for will not
     * come. The hooks stay in place; with no receiver, it returns after one volatile read.
     */
    public void detach() {
        clear(bridge);
        tracker.forgetAll();
    }

    private static void clear(Bridge bridge) {
        if (bridge != null) {
            try {
                bridge.clear();
            } catch (ReflectiveOperationException | RuntimeException ignored) {
                // The receivers stay; the hooks may be missing, so they may hear nothing.
            }
        }
    }

    private static LongBinaryOperator receiver(OffHeapTracker tracker, Set<RegionKind> kinds, RegionKind kind) {
        if (!kinds.contains(kind)) {
            return null;
        }
        return (address, bytes) -> {
            tracker.allocated(kind, address, bytes);
            return 0;
        };
    }

    /**
     * Loads and initialises what an allocation and a free run through before any application thread does:
     * class loading inside an allocation is best kept out of the application's way. Not the JFR events: they
     * are loaded by {@link #attach}, off the premain thread.
     */
    private static void warmUp(OffHeapTracker tracker) {
        new Block(0, RegionKind.UNSAFE, 4096, 8192).transition(Block.State.PENDING, Block.State.PENDING);
        Attribution.cover(List.of(new Attribution.Piece(0, 4096, 1)));
        tracker.liveBlocks();
        // The kind constants are copied into this class at compile time; the template itself is never loaded.
        if (OffHeapHooks.DIRECT == OffHeapHooks.ARENA) {
            throw new AssertionError();
        }
    }

    public BlockSource source() {
        return tracker;
    }

    public Set<RegionKind> kinds() {
        return kinds;
    }

    /** {@link OffHeapTracker#armedSpans()}. */
    public List<ArmedSpan> armedSpans() {
        return tracker.armedSpans();
    }

    public int liveBlocks() {
        return tracker.liveBlocks();
    }

    public long trackedBytes() {
        return tracker.trackedBytes();
    }

    public String stats() {
        return tracker.stats();
    }
}
