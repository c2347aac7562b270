package dev.dirtypages.agent.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/** Reads what a child's recording says about a known block of memory. */
public final class Recordings {
    private static final long PAGE = 4096;

    private Recordings() {
    }

    /**
     * One scan: its id, its begin and end (epoch nanos) and the pages of {@code [blockStart, blockEnd)} its
     * DirtyRange events named, as page indexes from {@code blockStart}.
     */
    public record Scan(long id, long beginNanos, long endNanos, Set<Integer> pages) {
    }

    /** Every scan of the recording in id order, with the pages of the block each reported. */
    public static List<Scan> scans(Path jfr, long blockStart, long blockEnd) throws IOException {
        return scans(jfr, blockStart, blockEnd, Reported.ALL);
    }

    /** Which of the written ranges a scan reported to count: all, or those measured or assumed (adaptive arming). */
    public enum Reported {
        ALL, MEASURED, ASSUMED
    }

    /** Every scan of the recording in id order, with the pages of the block each reported as {@code which} says. */
    public static List<Scan> scans(Path jfr, long blockStart, long blockEnd, Reported which) throws IOException {
        Map<Long, long[]> times = new HashMap<>();
        Map<Long, Set<Integer>> pages = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            switch (e.getEventType().getName()) {
                case "dirtypages.Scan":
                    times.put(e.getLong("scanId"), new long[] {nanos(e.getStartTime()), nanos(e.getEndTime())});
                    break;
                case "dirtypages.DirtyRange": {
                    if (which != Reported.ALL && e.getBoolean("assumed") != (which == Reported.ASSUMED)) {
                        pages.computeIfAbsent(e.getLong("scanId"), k -> new TreeSet<>());
                        break;
                    }
                    long start = Math.max(e.getLong("startAddress"), blockStart);
                    long end = Math.min(e.getLong("endAddress"), blockEnd);
                    Set<Integer> set = pages.computeIfAbsent(e.getLong("scanId"), k -> new TreeSet<>());
                    for (long p = start; p < end; p += PAGE) {
                        set.add((int) ((p - blockStart) / PAGE));
                    }
                    break;
                }
                default:
                    break;
            }
        }
        List<Scan> out = new ArrayList<>();
        times.keySet().stream().sorted().forEach(id -> out.add(new Scan(id, times.get(id)[0], times.get(id)[1],
                pages.getOrDefault(id, Set.of()))));
        return out;
    }

    /**
     * Every scan that reported ranges also recorded its Scan event: what the agent's own recording (ended by the
     * JVM's exit) must hold. (A recording stopped by hand while a scan runs may keep part of that scan only.)
     */
    public static void assertEveryRangeHasItsScan(Path jfr) throws IOException {
        Set<Long> scans = new TreeSet<>();
        Set<Long> ranged = new TreeSet<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            String name = e.getEventType().getName();
            if (name.equals("dirtypages.Scan")) {
                scans.add(e.getLong("scanId"));
            } else if (name.equals("dirtypages.DirtyRange")) {
                ranged.add(e.getLong("scanId"));
            }
        }
        ranged.removeAll(scans);
        if (!ranged.isEmpty()) {
            throw new AssertionError("ranges of scans " + ranged + " recorded without their Scan event");
        }
    }

    /** Every event of the recording with {@code name}. */
    public static List<RecordedEvent> events(Path jfr, String name) throws IOException {
        List<RecordedEvent> out = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (e.getEventType().getName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    public static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
