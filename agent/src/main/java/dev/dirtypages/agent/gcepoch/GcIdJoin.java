package dev.dirtypages.agent.gcepoch;

import dev.dirtypages.agent.log.AgentLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

/**
 * Joins the pauses the JVMTI hooks saw to the JDK's own GC events, which JVMTI does not number. HotSpot emits
 * one {@code jdk.GCPhasePause} per stop-the-world pause (young, full, G1's Remark and Cleanup), carrying the gcId
 * of the collection it belongs to; the JVMTI start and finish hooks run inside the same safepoint, around the
 * collection's work. So the hooks' window overlaps the JFR pause (GcEpochsIT checks it under G1, Parallel and
 * Serial), and pauses never overlap one another: the JFR pause overlapping a window most is its pause.
 *
 * <p>The clocks: the hooks read {@code CLOCK_MONOTONIC} (as {@link System#nanoTime()} does); JFR's ticks are the
 * same clock (unless JFR is told to read the TSC, an experimental flag), turned into wall time at each chunk's
 * start. The window is turned into wall time with the offset
 * between {@link Instant#now()} and {@link System#nanoTime()} read when the window is drained. The two offsets
 * differ only if the wall clock was stepped (not slewed: slewing moves both clocks alike) in between; then a pause
 * may go unjoined (gcId 0), never joined to another pause's collection, unless the step is as large as the time
 * between two pauses.
 *
 * <p>An in-process {@link RecordingStream} delivers the JFR pauses about a second late; windows wait for them.
 */
final class GcIdJoin implements AutoCloseable {
    /** The JFR pauses kept: enough for the windows waiting to be joined. */
    private static final int KEEP = 4096;

    /**
     * By start time: a window finds the pauses that may overlap it in O(log n), not by walking all of them (a
     * few thousand, for each of the hundreds of windows waiting, at every drain, once cost more CPU than the scans).
     */
    private final TreeMap<Long, JfrPause> pauses = new TreeMap<>();
    private final RecordingStream stream;

    /** {@code stream} null: pauses come through {@link #add} only (tests). */
    GcIdJoin(RecordingStream stream) {
        this.stream = stream;
    }

    /** Starts reading the JDK's pauses; empty (with one line) where JFR cannot stream here. */
    static Optional<GcIdJoin> start(AgentLog log) {
        try {
            RecordingStream stream = new RecordingStream();
            stream.setMaxAge(Duration.ofSeconds(10));
            stream.enable("jdk.GCPhasePause").withThreshold(Duration.ZERO);
            GcIdJoin join = new GcIdJoin(stream);
            stream.onEvent("jdk.GCPhasePause", join::onPause);
            // Not startAsync(): its thread is not a daemon, and would keep the JVM from exiting.
            Thread reader = new Thread(() -> {
                try {
                    stream.start();
                } catch (RuntimeException e) {
                    log.debug("gcepochs: the jdk.GCPhasePause stream ended: " + e);
                }
            }, "dirtypages-gc-pause-events");
            reader.setDaemon(true);
            reader.start();
            return Optional.of(join);
        } catch (RuntimeException | Error e) {
            log.warn("gcepochs: cannot stream jdk.GCPhasePause in process (" + e + "); pause scans carry gcId 0");
            return Optional.empty();
        }
    }

    private void onPause(RecordedEvent event) {
        add(new JfrPause(epochNanos(event.getStartTime()), epochNanos(event.getEndTime()), event.getLong("gcId"),
                event.getString("name")));
    }

    synchronized void add(JfrPause pause) {
        long key = pause.beginEpochNanos();
        while (pauses.putIfAbsent(key, pause) != null) {
            key++;   // two pauses reported at the same nanosecond: keep both
        }
        while (pauses.size() > KEEP) {
            pauses.pollFirstEntry();
        }
        notifyAll();
    }

    /**
     * Waits up to {@code timeoutNanos} until the JFR pause of the window {@code [begin, end]} has arrived (at
     * exit: the last pauses' events come through the stream a second or so after them).
     */
    synchronized boolean awaitMatch(long beginEpochNanos, long endEpochNanos, long timeoutNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (match(beginEpochNanos, endEpochNanos).isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /**
     * The JFR pause joined to the hooks' window {@code [begin, end]} (epoch nanoseconds), if it has arrived and no
     * window claimed it before.
     */
    synchronized Optional<JfrPause> match(long beginEpochNanos, long endEpochNanos) {
        // Pauses do not overlap one another: those starting after the window's end cannot overlap it, and walking
        // back from there, the first that ends before the window begins ends the search.
        List<JfrPause> near = new ArrayList<>();
        for (JfrPause p : pauses.headMap(endEpochNanos, true).descendingMap().values()) {
            near.add(p);
            if (p.endEpochNanos() < beginEpochNanos) {
                break;
            }
        }
        return best(near, beginEpochNanos, endEpochNanos);
    }

    /**
     * Takes {@code pause}, joined to a window, out of the candidates: each joins one window at most. A window that
     * only touches a pause's end (seen under Parallel: a window with no JDK pause of its own, opened within the last
     * microseconds of the JDK's pause before it, as JFR's clock tells them) must not join that pause too.
     */
    synchronized void claim(JfrPause pause) {
        // Its key is its start, or a little after for pauses reported at the same nanosecond (see add).
        for (long key = pause.beginEpochNanos(); pauses.containsKey(key); key++) {
            if (pauses.get(key) == pause) {
                pauses.remove(key);
                return;
            }
        }
    }

    /**
     * Of {@code candidates}, the pause that overlaps {@code [begin, end]} the most; none if none overlaps it.
     *
     * <p>No tolerance: the hooks' window holds its JFR pause (the window opens with the start scan, before the JDK's
     * pause timer starts, and closes after it stops), and cannot overlap another pause, which ran in another
     * safepoint. A window near a pause but overlapping none is either waiting for its own pause's event, or has none
     * (on JDK 17 HotSpot posts the JVMTI GC events around a collection the GC locker skipped, a thread being in a
     * JNI critical region; the JDK records no pause for it). A tolerance once joined such windows, and windows
     * whose event had not come yet, to the pause before them (Parallel, pauses 2 ms apart).
     */
    static Optional<JfrPause> best(Iterable<JfrPause> candidates, long begin, long end) {
        JfrPause best = null;
        long bestOverlap = -1;
        for (JfrPause p : candidates) {
            long overlap = Math.min(end, p.endEpochNanos()) - Math.max(begin, p.beginEpochNanos());
            if (overlap >= 0 && overlap > bestOverlap) {
                best = p;
                bestOverlap = overlap;
            }
        }
        return Optional.ofNullable(best);
    }

    static long epochNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** Nanoseconds to add to a {@link System#nanoTime()} reading to get epoch nanoseconds, now. */
    static long monotonicToEpochOffset() {
        long best = Long.MAX_VALUE;
        long offset = 0;
        for (int i = 0; i < 3; i++) {
            long before = System.nanoTime();
            long wall = epochNanos(Instant.now());
            long after = System.nanoTime();
            if (after - before < best) {
                best = after - before;
                offset = wall - (before + (after - before) / 2);
            }
        }
        return offset;
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close();
        }
    }
}
