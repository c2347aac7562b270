package dev.dirtypages.agent.runtime;

import dev.dirtypages.agent.sample.ScanTrigger;
import dev.dirtypages.agent.log.AgentLog;
import dev.dirtypages.agent.channel.ChannelServer;
import dev.dirtypages.agent.collector.HeapLayouts;
import dev.dirtypages.agent.consumer.Consumers;
import dev.dirtypages.agent.discover.HeapDiscovery;
import dev.dirtypages.agent.discover.HeapLocator;
import dev.dirtypages.agent.discover.HeapRange;
import dev.dirtypages.agent.events.AgentStatusEvent;
import dev.dirtypages.agent.events.ChunkEndScanEvent;
import dev.dirtypages.agent.offheap.OffHeapTracking;
import dev.dirtypages.agent.options.AgentOptions;
import dev.dirtypages.agent.log.LogLevel;
import dev.dirtypages.agent.options.Option;
import dev.dirtypages.agent.options.OptionsParser;
import dev.dirtypages.agent.options.ParsedOptions;
import dev.dirtypages.agent.options.RegionKind;
import dev.dirtypages.agent.sample.Sampler;
import dev.dirtypages.agent.track.TrackedRegion;
import dev.dirtypages.agent.track.TrackedRegions;
import dev.dirtypages.kernel.Errno;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.probe.Capabilities;
import dev.dirtypages.kernel.probe.CapabilityProbe;
import dev.dirtypages.kernel.probe.Problem;
import dev.dirtypages.kernel.proc.ProcSmaps;
import dev.dirtypages.kernel.track.WriteTracker;
import dev.dirtypages.kernel.uffd.Userfaultfd;
import java.lang.instrument.Instrumentation;
import java.nio.file.FileSystemException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;

/**
 * The agent inside the JVM: parses the options, probes the kernel, finds the regions to track, and
 * wires tracking, sampling and events together. Every failure ends in one line on stderr and an
 * application that runs on; nothing here throws into the host.
 */
public final class AgentRuntime {
    private static final AtomicReference<AgentRuntime> RUNNING = new AtomicReference<>();
    private static final long SHUTDOWN_WAIT_MILLIS = 2_000;
    /**
     * The system property where the agent publishes its state once started: {@code tracking}, {@code reduced},
     * {@code off} or {@code idle}. Lets an application (or a test) wait until its memory is armed.
     */
    public static final String STATE_PROPERTY = "dirtypages.state";

    private final AgentOptions options;
    private final AgentLog log;
    private final List<String> problems = new CopyOnWriteArrayList<>();
    /** Installed by premain, attached to the write tracking by the start-up thread (then in the published state). */
    private OffHeapTracking offHeapInstalled;
    /** What the agent has set up so far: see {@link RuntimeState}. */
    private final AtomicReference<RuntimeState> published = new AtomicReference<>(RuntimeState.INITIAL);
    /** Guarded by {@link #jfrStart}: opened by the start-up thread, closed by the shutdown hook. */
    private ChannelServer channel;
    /** Set by the shutdown hook: a start still under way then gives up quietly. */
    private volatile boolean shuttingDown;
    /** Held while JFR is set up, and by the shutdown hook: see {@link #startTracking}. */
    private final Object jfrStart = new Object();

    private AgentRuntime(AgentOptions options, AgentLog log) {
        this.options = options;
        this.log = log;
    }

    /**
     * The entry point the bootstrap calls, for {@code -javaagent} and for dynamic attach alike.
     *
     * @param rawOptions the option string after {@code =}, may be null
     * @param instrumentation the JVM's instrumentation
     * @param dynamicallyAttached whether the agent was attached to a running JVM
     */
    public static void start(String rawOptions, Instrumentation instrumentation, boolean dynamicallyAttached) {
        try {
            startChecked(rawOptions, instrumentation, dynamicallyAttached);
        } catch (Throwable t) {
            System.err.println("dirtypages: agent not started: " + t);
        }
    }

    /** The running agent, if one started in this JVM. */
    public static Optional<AgentRuntime> running() {
        return Optional.ofNullable(RUNNING.get());
    }

    private static void startChecked(String rawOptions, Instrumentation instrumentation, boolean attached) {
        ParsedOptions parsed = OptionsParser.parse(rawOptions);
        AgentLog log = new AgentLog(parsed.ok() ? parsed.options().log() : LogLevel.INFO);
        if (!parsed.ok()) {
            for (String error : parsed.errors()) {
                log.error(error);
            }
            log.error("agent not started; valid options: " + Option.validKeys() + " (see docs/options.md)");
            if (RUNNING.get() == null) {
                System.setProperty(STATE_PROPERTY, "off");   // an application waiting for the agent need not wait
            }
            return;
        }
        AgentRuntime existing = RUNNING.get();
        if (existing != null) {
            log.warn("already running in this JVM with " + existing.options.describe()
                    + "; this " + (attached ? "attach" : "load") + " changes nothing");
            return;
        }
        AgentRuntime runtime = new AgentRuntime(parsed.options(), log);
        if (!RUNNING.compareAndSet(null, runtime)) {
            log.warn("already running in this JVM; this " + (attached ? "attach" : "load") + " changes nothing");
            return;
        }
        System.clearProperty(STATE_PROPERTY);   // an earlier load with bad options may have said "off"
        // The hook first: an application that exits while the agent is still starting must neither wait for
        // it nor see it fail; the start then gives up quietly (see below).
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(runtime::shutdown, "dirtypages-shutdown"));
        } catch (IllegalStateException shutdownInProgress) {
            log.debug("not started: the JVM is shutting down");
            return;
        }
        // Off-heap allocations are recorded from here on, whatever the start-up thread is doing: the bridge and the
        // hooks go in now, on the premain thread (a retransformation of three or four JDK classes, no system call),
        // so that the blocks main allocates in its first lines are tracked. Nothing else is set up here.
        long installing = System.nanoTime();
        runtime.offHeapInstalled = OffHeapTracking.install(runtime.options, instrumentation, log, runtime.problems);
        if (runtime.offHeapInstalled != null) {
            log.debug("off-heap hooks added in " + (System.nanoTime() - installing) / 1_000_000 + " ms");
            if (attached) {
                String said = runtime.offHeapInstalled.findAllocatedBeforeAttach(instrumentation);
                if (said != null) {
                    runtime.published.updateAndGet(st -> st.withOffHeapBeforeAttach(said));
                    log.info("attached to a running JVM: " + said);
                }
            }
        }
        // Everything else happens off the premain thread: probing the kernel loads JNA and finding the heap
        // creates the platform MBean server, and both initialise java.util.logging, which must not happen
        // before the application's main has had a chance to choose its log manager.
        Thread starter = new Thread(() -> {
            try {
                runtime.run();
            } catch (Throwable t) {
                if (runtime.shuttingDown || jvmShuttingDown()) {
                    log.debug("start abandoned, the JVM is shutting down: " + t);
                } else {
                    runtime.problems.add(t.toString());
                    log.error("tracking not started, the application runs on: " + t);
                }
            } finally {
                System.setProperty(STATE_PROPERTY, runtime.state());
            }
        }, "dirtypages-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void run() {
        OffHeapTracking installed = offHeapInstalled;
        if (installed != null) {
            installed.ignoreCurrentThread();   // JFR's and the probes' buffers are the agent's, not the application's
        }
        try {
            startTracking(installed);
        } finally {
            published.updateAndGet(RuntimeState::startedNow);
        }
        options.channel().ifPresent(dir -> {
            synchronized (jfrStart) {
                // Under the hook's lock: the channel is either opened before the hook runs (and closed by it) or not.
                if (!shuttingDown) {
                    channel = ChannelServer.open(dir, Optional.ofNullable(published.get().consumers()), this::state, log)
                            .orElse(null);
                }
            }
        });
    }

    /** Sets up write tracking; the off-heap blocks recorded since premain stop being recorded if it fails. */
    private void startTracking(OffHeapTracking installed) {
        boolean attached = false;
        try {
            attached = startTrackingAttaching(installed);
        } finally {
            if (installed != null && !attached) {
                installed.detach();
            }
        }
    }

    /** @return whether {@code installed} (the off-heap tracking) was attached to the write tracking */
    private boolean startTrackingAttaching(OffHeapTracking installed) {
        Capabilities capabilities = CapabilityProbe.capabilities();
        published.updateAndGet(st -> st.withCapabilities(capabilities));
        // JFR started once the JVM's exit is under way prints an error on stdout ("too early in the VM
        // initialization sequence": the JVMTI phase has left LIVE). The shutdown hook takes the same lock, so JFR
        // is either set up before the exit gets past the hooks or not at all.
        synchronized (jfrStart) {
            if (shuttingDown || jvmShuttingDown()) {
                return false;
            }
            registerPeriodicEvents();
            startRecordingIfAsked();
        }
        if (options.regions().isEmpty()) {
            log.info("regions= is empty: nothing to track");
            return false;
        }
        if (!capabilities.writeTracking()) {
            for (Problem p : capabilities.problems()) {
                problems.add(p.describe());
            }
            log.warn("write tracking is off, the application runs on: " + String.join("; ", problems));
            return false;
        }
        WriteTracker tracker;
        try {
            tracker = WriteTracker.open();
        } catch (KernelException e) {
            problems.add(e.getMessage());
            log.warn("write tracking is off, the application runs on: " + e.getMessage());
            return false;
        }
        if (capabilities.userfaultfdSource().orElse(null) == Userfaultfd.Source.DEVICE) {
            log.info("userfaultfd from /dev/userfaultfd (the userfaultfd system call is refused here)");
        }
        TrackedRegions tracked = new TrackedRegions(tracker, log);
        HeapRange heapTracked = null;
        if (options.regions().contains(RegionKind.HEAP)) {
            HeapDiscovery discovery = HeapLocator.locate();
            if (discovery.heap().isPresent()) {
                heapTracked = discovery.heap().get();
                trackHeap(tracked, heapTracked);
            } else {
                problems.add(discovery.problem());
                log.warn("heap not tracked: " + discovery.problem());
            }
        }
        if (shuttingDown) {
            return false;
        }
        OffHeapTracking blocks = installed != null && installed.attach(tracker, problems) ? installed : null;
        if (tracked.list().isEmpty() && blocks == null) {
            // Nothing could be tracked (the heap under ZGC with regions=heap, say): no timer, no consumers.
            published.updateAndGet(st -> st.tracking(tracked, null, null, null));
            tracker.close();
            log.warn("nothing is tracked (" + String.join("; ", problems) + "); no scans run");
            return false;
        }
        Sampler s = new Sampler(tracked, options, log);
        // Collector-aware arming (issue 11): the heap's layout by collector, see dev.dirtypages.agent.collector.
        if (heapTracked != null && options.arming().collectorAware()) {
            HeapLayouts.of(heapTracked.collector(), heapTracked.start(), heapTracked.end(), log).ifPresent(s::heapLayout);
        }
        if (blocks != null) {
            s.blocks(blocks.source());
        }
        s.start();
        // gcepochs (issue 12): scans inside every GC pause; where unavailable, one line and timer scans only.
        if (options.gcEpochs()) {
            dev.dirtypages.agent.gcepoch.GcEpochs.start(s, log, problems);
        }
        Consumers c = new Consumers(s, tracked, blocks == null ? List::of : blocks::armedSpans, log);
        Consumers.publish(c, log);
        published.updateAndGet(st -> st.tracking(tracked, s, blocks, c));
        log.info("scanning every " + OptionsParser.formatDuration(options.interval())
                + (published.get().recording() == null ? "" : ", recording to " + options.file().get()));
        return blocks != null;
    }

    /**
     * Registers the heap, around any part of it another userfaultfd registered first (the application's
     * own, or another tool's): that part is left to its owner, neither registered nor scanned.
     */
    private void trackHeap(TrackedRegions tracked, HeapRange heap) {
        String reason = "registered: " + heap.collector() + " heap, reserved range";
        List<long[]> foreign = foreignRegistrations(tracked.tracker(), heap.start(), heap.end());
        if (!foreign.isEmpty()) {
            String where = ForeignRegistrations.describe(foreign);
            problems.add("java-heap: " + where + " is registered with another userfaultfd (the application's own "
                    + "or another tool's); fix: none needed, dirtypages leaves it to its owner and reports no "
                    + "writes there");
            log.warn("not tracking " + where + " of the heap: another userfaultfd (the application's own or "
                    + "another tool's) registered it first; dirtypages leaves it to its owner and reports no writes "
                    + "there");
            reason += ", around " + where + " another userfaultfd owns";
        }
        boolean failed = false;
        for (long[] part : ForeignRegistrations.around(heap.start(), heap.end(), foreign)) {
            if (!tracked.add(new TrackedRegion(RegionKind.HEAP, part[0], part[1]), reason)) {
                failed = true;
            }
        }
        if (failed) {
            problems.add("the heap could not be registered (see the log)");
        }
    }

    /**
     * The parts of {@code [start, end)} another userfaultfd has registered. Registering the range tells
     * (EBUSY) whether there are any; only then is /proc/self/smaps read to find them (it costs a walk of
     * the page tables). Registering twice with the same descriptor is harmless: the region is then
     * registered again by {@link TrackedRegions#add}.
     */
    private List<long[]> foreignRegistrations(WriteTracker tracker, long start, long end) {
        try {
            tracker.userfaultfd().register(start, end);
            return List.of();
        } catch (KernelException e) {
            if (e.errno() != Errno.EBUSY) {
                return List.of(); // TrackedRegions.add meets it again and says what it is
            }
        }
        try {
            return ProcSmaps.userfaultfdRegistered(ProcSmaps.flagsSelf(), start, end);
        } catch (RuntimeException e) {
            log.debug("cannot read /proc/self/smaps to find what another userfaultfd owns: " + e);
            return List.of();
        }
    }

    private void registerPeriodicEvents() {
        FlightRecorder.addPeriodicEvent(AgentStatusEvent.class, this::emitStatus);
        FlightRecorder.addPeriodicEvent(ChunkEndScanEvent.class, this::scanAtChunkEnd);
    }

    private void startRecordingIfAsked() {
        if (options.file().isEmpty()) {
            return;
        }
        try {
            Recording r = new Recording(RecordingSettings.dirtypages());
            r.setName("dirtypages");
            r.setToDisk(true);
            r.setDumpOnExit(true);
            r.setDestination(options.file().get());
            r.start();
            published.updateAndGet(st -> st.withRecording(r));
        } catch (Exception e) {
            if (shuttingDown || jvmShuttingDown()) {
                return; // the application exited while the agent started: JFR refuses new recordings, rightly
            }
            String why = describe(e);
            problems.add("file=" + options.file().get() + ": cannot record there (" + why + "); fix: name a file "
                    + "this process can write; the events still go to the recordings you start");
            log.error("cannot record to " + options.file().get() + " (" + why
                    + "); tracking goes on for the recordings you start");
        }
    }

    /**
     * Whether the JVM is shutting down, known before this agent's own hook has run (hooks run in no set
     * order): the runtime refuses new hooks then.
     */
    static boolean jvmShuttingDown() {
        Thread probe = new Thread(() -> { }, "dirtypages-shutdown-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** An exception in a few words: a file system error's reason, else the exception itself. */
    static String describe(Exception e) {
        if (e instanceof FileSystemException) {
            String reason = ((FileSystemException) e).getReason();
            return e.getClass().getSimpleName() + (reason == null ? "" : ": " + reason);
        }
        return e.toString();
    }

    /**
     * JFR's end-of-chunk hook: a scan now, so that the chunk holds the writes up to its very end. While the JVM
     * shuts down, this is JFR stopping its recordings: the recordings' last scan, after which no scan emits.
     */
    private void scanAtChunkEnd() {
        Sampler s = published.get().sampler();
        ChunkEndScanEvent event = new ChunkEndScanEvent();
        if (s != null) {
            try {
                event.scanId = (jvmShuttingDown() ? s.lastScanForRecordings(ScanTrigger.CHUNK_END)
                        : s.scanNow(ScanTrigger.CHUNK_END)).scanId();
            } catch (RuntimeException e) {
                log.error("chunk-end scan failed: " + e);
            }
        }
        event.commit();
    }

    private void emitStatus() {
        AgentStatusEvent event = new AgentStatusEvent();
        RuntimeState st = published.get();
        TrackedRegions r = st.regions();
        Sampler s = st.sampler();
        Capabilities capabilities = st.capabilities();
        event.state = state(st);
        event.problems = String.join("; ", problems);
        event.options = options.describe();
        event.offHeapBeforeAttach = st.offHeapBeforeAttach() == null ? "" : st.offHeapBeforeAttach();
        event.kernel = String.format("%s, userfaultfd %s, features 0x%x, PAGEMAP_SCAN %s",
                capabilities.kernelRelease(), capabilities.userfaultfdSource()
                        .map(src -> src == Userfaultfd.Source.DEVICE ? "via /dev/userfaultfd" : "via the system call")
                        .orElse("unavailable"),
                capabilities.userfaultfdFeatures(), capabilities.pagemapScan() ? "yes" : "no");
        OffHeapTracking blocks = st.offHeap();
        event.regions = (r == null ? 0 : r.list().size()) + (blocks == null ? 0 : blocks.liveBlocks());
        event.trackedBytes = (r == null ? 0 : r.trackedBytes()) + (blocks == null ? 0 : blocks.trackedBytes());
        event.scans = s == null ? 0 : s.scans();
        event.commit();
    }

    /** {@code starting}, {@code tracking}, {@code reduced} (tracking with problems), {@code off} or {@code idle}. */
    public String state() {
        return state(published.get());
    }

    private String state(RuntimeState st) {
        TrackedRegions r = st.regions();
        if (!st.started()) {
            return "starting";
        }
        if ((r == null || r.list().isEmpty()) && st.offHeap() == null) {
            return options.regions().isEmpty() ? "idle" : "off";
        }
        return problems.isEmpty() ? "tracking" : "reduced";
    }

    public AgentOptions options() {
        return options;
    }

    public Optional<Sampler> sampler() {
        return Optional.ofNullable(published.get().sampler());
    }

    public Optional<TrackedRegions> regions() {
        return Optional.ofNullable(published.get().regions());
    }

    /** The consumers with epochs of their own (snapshot tools), once tracking runs. */
    public Optional<Consumers> consumers() {
        return Optional.ofNullable(published.get().consumers());
    }

    /**
     * The agent's one shutdown hook: stops the timer, flushes the last interval, then closes the channel. JFR's
     * own shutdown runs beside this in no set order; its end-of-chunk hook ({@link #scanAtChunkEnd}) flushes into
     * the recording whatever this scan has not, and after it this scan emits nothing (it still serves the
     * in-process consumers).
     */
    private void shutdown() {
        ChannelServer openChannel;
        synchronized (jfrStart) {
            shuttingDown = true;
            openChannel = channel;
        }
        RuntimeState st = published.get();
        try {
            Sampler s = st.sampler();
            if (s == null) {
                return;
            }
            s.stop(SHUTDOWN_WAIT_MILLIS);
            try {
                s.scanNow(ScanTrigger.SHUTDOWN);
            } catch (RuntimeException e) {
                log.debug("final scan failed: " + e);
            }
            OffHeapTracking blocks = st.offHeap();
            if (blocks != null) {
                log.debug("off-heap: " + blocks.stats());
            }
        } finally {
            // After the final scan: closing first would cut a consumer off in the middle of its last checkpoint.
            if (openChannel != null) {
                openChannel.close();
            }
        }
    }
}
