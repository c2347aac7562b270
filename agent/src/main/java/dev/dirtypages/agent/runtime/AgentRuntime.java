package dev.dirtypages.agent.runtime;

import dev.dirtypages.agent.log.AgentLog;
import dev.dirtypages.agent.channel.ChannelServer;
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
    private volatile Capabilities capabilities;
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private volatile TrackedRegions regions;
    private volatile Sampler sampler;
    private volatile Instrumentation instrumentation;
    private volatile OffHeapTracking offHeap;
    private volatile Consumers consumers;
    private volatile Recording recording;
    private volatile boolean started;
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
        runtime.instrumentation = instrumentation;
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
        try {
            startTracking();
        } finally {
            started = true;
        }
        if (!shuttingDown) {
            options.channel().ifPresent(dir -> ChannelServer.open(dir, Optional.ofNullable(consumers), this::state, log));
        }
    }

    private void startTracking() {
        capabilities = CapabilityProbe.capabilities();
        // JFR started once the JVM's exit is under way prints an error on stdout ("too early in the VM
        // initialization sequence": the JVMTI phase has left LIVE). The shutdown hook takes the same lock, so JFR
        // is either set up before the exit gets past the hooks or not at all.
        synchronized (jfrStart) {
            if (shuttingDown || jvmShuttingDown()) {
                return;
            }
            registerPeriodicEvents();
            startRecordingIfAsked();
        }
        if (options.regions().isEmpty()) {
            log.info("regions= is empty: nothing to track");
            return;
        }
        if (!capabilities.writeTracking()) {
            for (Problem p : capabilities.problems()) {
                problems.add(p.describe());
            }
            log.warn("write tracking is off, the application runs on: " + String.join("; ", problems));
            return;
        }
        WriteTracker tracker;
        try {
            tracker = WriteTracker.open();
        } catch (KernelException e) {
            problems.add(e.getMessage());
            log.warn("write tracking is off, the application runs on: " + e.getMessage());
            return;
        }
        if (capabilities.userfaultfdSource().orElse(null) == Userfaultfd.Source.DEVICE) {
            log.info("userfaultfd from /dev/userfaultfd (the userfaultfd system call is refused here)");
        }
        TrackedRegions tracked = new TrackedRegions(tracker, log);
        if (options.regions().contains(RegionKind.HEAP)) {
            HeapDiscovery discovery = HeapLocator.locate();
            if (discovery.heap().isPresent()) {
                trackHeap(tracked, discovery.heap().get());
            } else {
                problems.add(discovery.problem());
                log.warn("heap not tracked: " + discovery.problem());
            }
        }
        OffHeapTracking blocks = OffHeapTracking.start(options, instrumentation, tracker, log, problems);
        if (shuttingDown) {
            return;
        }
        if (tracked.list().isEmpty() && blocks == null) {
            // Nothing could be tracked (the heap under ZGC with regions=heap, say): no timer, no consumers.
            this.regions = tracked;
            tracker.close();
            log.warn("nothing is tracked (" + String.join("; ", problems) + "); no scans run");
            return;
        }
        Sampler s = new Sampler(tracked, options, log);
        if (blocks != null) {
            s.blocks(blocks.source());
        }
        this.offHeap = blocks;
        this.regions = tracked;
        this.sampler = s;
        s.start();
        // gcepochs (issue 12): scans inside every GC pause; where unavailable, one line and timer scans only.
        if (options.gcEpochs()) {
            dev.dirtypages.agent.gcepoch.GcEpochs.start(s, log, problems);
        }
        Consumers c = new Consumers(s, tracked, blocks == null ? List::of : blocks::armedSpans, log);
        Consumers.publish(c, log);
        this.consumers = c;
        log.info("scanning every " + OptionsParser.formatDuration(options.interval())
                + (recording == null ? "" : ", recording to " + options.file().get()));
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
     * registered again and armed by {@link TrackedRegions#add}.
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
            this.recording = r;
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
        Sampler s = sampler;
        ChunkEndScanEvent event = new ChunkEndScanEvent();
        if (s != null) {
            try {
                event.scanId = (jvmShuttingDown() ? s.lastScanForRecordings(Sampler.CHUNK_END)
                        : s.scanNow(Sampler.CHUNK_END)).scanId();
            } catch (RuntimeException e) {
                log.error("chunk-end scan failed: " + e);
            }
        }
        event.commit();
    }

    private void emitStatus() {
        AgentStatusEvent event = new AgentStatusEvent();
        TrackedRegions r = regions;
        Sampler s = sampler;
        event.state = state();
        event.problems = String.join("; ", problems);
        event.options = options.describe();
        event.kernel = String.format("%s, userfaultfd %s, features 0x%x, PAGEMAP_SCAN %s",
                capabilities.kernelRelease(), capabilities.userfaultfdSource()
                        .map(src -> src == Userfaultfd.Source.DEVICE ? "via /dev/userfaultfd" : "via the system call")
                        .orElse("unavailable"),
                capabilities.userfaultfdFeatures(), capabilities.pagemapScan() ? "yes" : "no");
        OffHeapTracking blocks = offHeap;
        event.regions = (r == null ? 0 : r.list().size()) + (blocks == null ? 0 : blocks.liveBlocks());
        event.trackedBytes = (r == null ? 0 : r.trackedBytes()) + (blocks == null ? 0 : blocks.trackedBytes());
        event.scans = s == null ? 0 : s.scans();
        event.commit();
    }

    /** {@code starting}, {@code tracking}, {@code reduced} (tracking with problems), {@code off} or {@code idle}. */
    public String state() {
        TrackedRegions r = regions;
        if (!started) {
            return "starting";
        }
        if ((r == null || r.list().isEmpty()) && offHeap == null) {
            return options.regions().isEmpty() ? "idle" : "off";
        }
        return problems.isEmpty() ? "tracking" : "reduced";
    }

    public AgentOptions options() {
        return options;
    }

    public Optional<Sampler> sampler() {
        return Optional.ofNullable(sampler);
    }

    public Optional<TrackedRegions> regions() {
        return Optional.ofNullable(regions);
    }

    /** The consumers with epochs of their own (snapshot tools), once tracking runs. */
    public Optional<Consumers> consumers() {
        return Optional.ofNullable(consumers);
    }

    /**
     * Stops the timer and flushes the last interval. JFR's own shutdown runs beside this in no set order; its
     * end-of-chunk hook ({@link #scanAtChunkEnd}) flushes into the recording whatever this scan has not, and
     * after it this scan emits nothing (it still serves the in-process consumers).
     */
    private void shutdown() {
        synchronized (jfrStart) {
            shuttingDown = true;
        }
        Sampler s = sampler;
        if (s == null) {
            return;
        }
        s.stop(SHUTDOWN_WAIT_MILLIS);
        try {
            s.scanNow(Sampler.SHUTDOWN);
        } catch (RuntimeException e) {
            log.debug("final scan failed: " + e);
        }
        OffHeapTracking blocks = offHeap;
        if (blocks != null) {
            log.debug("off-heap: " + blocks.stats());
        }
    }
}
