package dev.dirtypages.benchmarks;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What the agent's off-heap tracking costs an allocation-heavy application: one allocation and its free,
 * {@code ByteBuffer.allocateDirect} + its cleaner, or {@code Unsafe.allocateMemory} + {@code freeMemory},
 * in forks that differ only in how the agent is loaded:
 *
 * <ul>
 * <li>{@code NoAgent}: no agent.</li>
 * <li>{@code HeapOnly}: {@code regions=heap}: the agent runs, the JDK's classes are left alone.</li>
 * <li>{@code Tracked}: {@code regions=all} and no recording: the advice and the block registry run, no event
 *     is enabled and no scan runs (nothing consumes them), so no block is ever armed.</li>
 * <li>{@code Recorded}: {@code regions=all} and a recording with dirtypages.jfc: every allocation also
 *     commits RegionTracked with its stack trace and every free RegionUntracked, and the sampler scans every
 *     second. Blocks freed within the second are never armed (a free of a pending block is no system
 *     call).</li>
 * <li>{@code armed...}: Unsafe memory only; each block lives through 20,000 further allocations (a ring), which
 *     takes longer than the 10 ms interval these forks scan at, so nearly every block is armed before it is
 *     freed and every such free collects the block's pages (one {@code PAGEMAP_SCAN} on the freeing thread).
 *     {@code armedScanned} has a recording with JFR's default settings and the per-block events off (the
 *     agent scans, nothing is committed per block); {@code armedRecorded} has dirtypages.jfc. Their log
 *     (debug) ends with how many frees were of armed blocks.</li>
 * </ul>
 *
 * <p>The agent jar and the settings file are found relative to the working directory: run from the
 * repository root, after {@code mvn install}:
 * <pre>java -jar benchmarks/target/benchmarks.jar OffHeapAllocationBenchmark -rf json -rff offheap.json</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class OffHeapAllocationBenchmark {
    static final String AGENT = "-javaagent:agent/target/dirtypages-agent.jar";
    /** A recording with the dirtypages events on, kept in JFR's repository only (bounded, not dumped). */
    static final String RECORDING = "-XX:StartFlightRecording:settings=agent/src/main/resources/dirtypages.jfc,"
            + "maxsize=256m";
    /** A recording that makes the agent scan, without the per-block events (JFR's default settings otherwise). */
    static final String SCANS_ONLY = "-XX:StartFlightRecording:maxsize=256m,+dirtypages.RegionTracked#enabled=false,"
            + "+dirtypages.RegionUntracked#enabled=false";
    /** Off-heap only, scanned every 10 ms: the blocks of the ring are armed long before they are freed. */
    static final String ARMING = AGENT + "=regions=unsafe,interval=10ms,log=debug";

    static final sun.misc.Unsafe UNSAFE = unsafe();

    /** Bytes per block: a small buffer, and one of a few pages (both below malloc's mmap threshold). */
    @Param({"256", "16384"})
    public int size;

    /** Fails the fork if an agent variant did not get its agent tracking (a wrong working directory, say). */
    @Setup(Level.Trial)
    public void awaitAgent(BenchmarkParams params) throws InterruptedException {
        if (params.getBenchmark().endsWith("NoAgent")) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String state = System.getProperty("dirtypages.state");
        while (state == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
            state = System.getProperty("dirtypages.state");
        }
        if (!"tracking".equals(state)) {
            throw new IllegalStateException("the agent is " + state + " (run from the repository root, after mvn install)");
        }
    }

    private Object direct() {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        UNSAFE.invokeCleaner(b);
        return b;
    }

    private long unsafeMemory() {
        long p = UNSAFE.allocateMemory(size);
        UNSAFE.freeMemory(p);
        return p;
    }

    @Benchmark
    @Fork(1)
    public Object directNoAgent() {
        return direct();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {AGENT + "=regions=heap"})
    public Object directHeapOnly() {
        return direct();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {AGENT + "=regions=all"})
    public Object directTracked() {
        return direct();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {AGENT + "=regions=all", RECORDING})
    public Object directRecorded() {
        return direct();
    }

    @Benchmark
    @Fork(1)
    public long unsafeNoAgent() {
        return unsafeMemory();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {AGENT + "=regions=heap"})
    public long unsafeHeapOnly() {
        return unsafeMemory();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {AGENT + "=regions=all"})
    public long unsafeTracked() {
        return unsafeMemory();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {AGENT + "=regions=all", RECORDING})
    public long unsafeRecorded() {
        return unsafeMemory();
    }

    /** Blocks that live long enough to be armed: each allocation frees the one allocated 20,000 before. */
    @State(Scope.Thread)
    public static class Ring {
        static final int BLOCKS = 20_000;
        final long[] blocks = new long[BLOCKS];
        int next;

        long replace(int size) {
            long old = blocks[next];
            if (old != 0) {
                UNSAFE.freeMemory(old);
            }
            long p = UNSAFE.allocateMemory(size);
            blocks[next] = p;
            next = next + 1 == BLOCKS ? 0 : next + 1;
            return p;
        }
    }

    @Benchmark
    @Fork(1)
    public long armedNoAgent(Ring ring) {
        return ring.replace(size);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {ARMING, SCANS_ONLY})
    public long armedScanned(Ring ring) {
        return ring.replace(size);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {ARMING, RECORDING})
    public long armedRecorded(Ring ring) {
        return ring.replace(size);
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
