package dev.dirtypages.agent.runtime;

import dev.dirtypages.agent.discover.HeapDiscovery;
import dev.dirtypages.agent.discover.HeapLocator;
import dev.dirtypages.agent.discover.HeapRange;
import dev.dirtypages.agent.events.AgentStatusEvent;
import dev.dirtypages.agent.events.ChunkEndScanEvent;
import dev.dirtypages.agent.options.AgentOptions;
import dev.dirtypages.agent.options.LogLevel;
import dev.dirtypages.agent.options.Option;
import dev.dirtypages.agent.options.OptionsParser;
import dev.dirtypages.agent.options.ParsedOptions;
import dev.dirtypages.agent.options.RegionKind;
import dev.dirtypages.agent.sample.Sampler;
import dev.dirtypages.agent.track.TrackedRegion;
import dev.dirtypages.agent.track.TrackedRegions;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.probe.Capabilities;
import dev.dirtypages.kernel.probe.CapabilityProbe;
import dev.dirtypages.kernel.probe.Problem;
import dev.dirtypages.kernel.track.WriteTracker;
import java.lang.instrument.Instrumentation;
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
    private volatile Recording recording;
    private volatile boolean started;

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
            startChecked(rawOptions, dynamicallyAttached);
        } catch (Throwable t) {
            System.err.println("dirtypages: agent not started: " + t);
        }
    }

    /** The running agent, if one started in this JVM. */
    public static Optional<AgentRuntime> running() {
        return Optional.ofNullable(RUNNING.get());
    }

    private static void startChecked(String rawOptions, boolean attached) {
        ParsedOptions parsed = OptionsParser.parse(rawOptions);
        AgentLog log = new AgentLog(parsed.ok() ? parsed.options().log() : LogLevel.INFO);
        if (!parsed.ok()) {
            for (String error : parsed.errors()) {
                log.error("bad option " + error);
            }
            log.error("agent not started; valid options: " + Option.validKeys() + " (see docs/options.md)");
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
        // Everything else happens off the premain thread: probing the kernel loads JNA and finding the heap
        // creates the platform MBean server, and both initialise java.util.logging, which must not happen
        // before the application's main has had a chance to choose its log manager.
        Thread starter = new Thread(() -> {
            try {
                runtime.run();
            } catch (Throwable t) {
                runtime.problems.add(t.toString());
                log.error("tracking not started, the application runs on: " + t);
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
    }

    private void startTracking() {
        capabilities = CapabilityProbe.capabilities();
        registerPeriodicEvents();
        startRecordingIfAsked();
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
        TrackedRegions tracked = new TrackedRegions(tracker, log);
        if (options.regions().contains(RegionKind.HEAP)) {
            HeapDiscovery discovery = HeapLocator.locate();
            if (discovery.heap().isPresent()) {
                HeapRange heap = discovery.heap().get();
                if (!tracked.add(new TrackedRegion(RegionKind.HEAP, heap.start(), heap.end()),
                        "registered: " + heap.collector() + " heap, reserved range")) {
                    problems.add("the heap could not be registered (see the log)");
                }
            } else {
                problems.add(discovery.problem());
                log.warn("heap not tracked: " + discovery.problem());
            }
        }
        Sampler s = new Sampler(tracked, options, log);
        this.regions = tracked;
        this.sampler = s;
        s.start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "dirtypages-shutdown"));
        log.info("scanning every " + OptionsParser.formatDuration(options.interval())
                + options.file().map(f -> ", recording to " + f).orElse(""));
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
            problems.add("cannot record to " + options.file().get() + ": " + e.getMessage());
            log.error("cannot record to " + options.file().get() + " (" + e.getMessage()
                    + "); tracking goes on for other recordings");
        }
    }

    /** JFR's end-of-chunk hook: a scan now, so that the chunk holds the writes up to its very end. */
    private void scanAtChunkEnd() {
        Sampler s = sampler;
        ChunkEndScanEvent event = new ChunkEndScanEvent();
        if (s != null) {
            try {
                event.scanId = s.scanNow(Sampler.CHUNK_END).scanId();
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
        event.kernel = String.format("%s, userfaultfd features 0x%x, PAGEMAP_SCAN %s", capabilities.kernelRelease(),
                capabilities.userfaultfdFeatures(), capabilities.pagemapScan() ? "yes" : "no");
        event.regions = r == null ? 0 : r.list().size();
        event.trackedBytes = r == null ? 0 : r.trackedBytes();
        event.scans = s == null ? 0 : s.scans();
        event.commit();
    }

    /** {@code starting}, {@code tracking}, {@code reduced} (tracking with problems), {@code off} or {@code idle}. */
    public String state() {
        TrackedRegions r = regions;
        if (!started) {
            return "starting";
        }
        if (r == null || r.list().isEmpty()) {
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

    /**
     * Stops the timer and flushes the last interval. JFR's own shutdown runs beside this in no set order;
     * its end-of-chunk hook ({@link #scanAtChunkEnd}) flushes into the recording whichever runs first.
     */
    private void shutdown() {
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
    }
}
