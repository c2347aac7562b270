package dev.dirtypages.agent.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Report: a readable summary of the dirtypages events in a recording, for a terminal.
 * {@code java -jar dirtypages-agent.jar summary recording.jfr}.
 */
public final class RecordingSummary {
    private static final long PAGE = 4096;
    /** Collections listed one per line; the totals cover all. */
    private static final int GC_EPOCH_LINES = 20;

    private final List<RecordedEvent> scans = new ArrayList<>();
    private final Map<String, long[]> bytesByRegion = new TreeMap<>();
    /** Per region: how many scans reported each page. */
    private final Map<String, PageCounts> scansByPage = new TreeMap<>();
    private final List<String> tracked = new ArrayList<>();
    private final List<String> untracked = new ArrayList<>();
    private final Map<String, Integer> statuses = new LinkedHashMap<>();
    /** Off-heap blocks by id: what RegionTracked said of them, and what BlockWrites counted. */
    private final Map<Long, BlockInfo> blocks = new HashMap<>();
    /** Per off-heap kind: {blocks allocated, blocks freed, blocks that could not be registered}. */
    private final Map<String, long[]> blocksByKind = new TreeMap<>();
    /** dirtypages.GcWrites, one per collection pause (gcepochs=true). */
    private final List<GcEpoch> gcEpochs = new ArrayList<>();
    private long dirtyRanges;
    private long reregistrations;
    private long gcs;
    private Instant first;
    private Instant last;

    private RecordingSummary() {
    }

    /** An empty summary, to be fed a recording's events one by one (see {@link #accept}, then {@link #finish}). */
    public static RecordingSummary empty() {
        return new RecordingSummary();
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -jar dirtypages-agent.jar summary <recording.jfr>");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        if (!Files.isReadable(file)) {
            System.err.println("dirtypages: cannot read " + file);
            System.exit(1);
        }
        read(file).print(file, System.out);
    }

    /** Reads every dirtypages event of {@code file}. */
    public static RecordingSummary read(Path file) throws IOException {
        RecordingSummary summary = new RecordingSummary();
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                summary.accept(recording.readEvent());
            }
        }
        summary.finish();
        return summary;
    }

    /** Call once after the last {@link #accept}. */
    public void finish() {
        scans.sort((a, b) -> Long.compare(a.getLong("scanId"), b.getLong("scanId")));
        gcEpochs.sort((a, b) -> Long.compare(a.startScanId(), b.startScanId()));
    }

    /** Takes one event of the recording (any event: those the summary does not use are ignored). */
    public void accept(RecordedEvent e) {
        String name = e.getEventType().getName();
        Instant t = e.getStartTime();
        if (name.startsWith("dirtypages.")) {
            first = first == null || t.isBefore(first) ? t : first;
            last = last == null || e.getEndTime().isAfter(last) ? e.getEndTime() : last;
        }
        switch (name) {
            case "dirtypages.Scan":
                scans.add(e);
                break;
            case "dirtypages.DirtyRange": {
                dirtyRanges++;
                long start = e.getLong("startAddress");
                long end = e.getLong("endAddress");
                long[] totals = bytesByRegion.computeIfAbsent(e.getString("region"), k -> new long[2]);
                totals[0] += end - start;
                totals[1]++;
                scansByPage.computeIfAbsent(e.getString("region"), k -> new PageCounts()).add(start, end);
                break;
            }
            case "dirtypages.RegionTracked":
                if (blockId(e) > 0) {
                    BlockInfo b = block(blockId(e));
                    b.kind = e.getString("kind");
                    b.start = e.getLong("startAddress");
                    b.size = e.getLong("size");
                    b.site = site(e.getStackTrace());
                    blocksByKind.computeIfAbsent(b.kind, k -> new long[3])[0]++;
                } else if (e.getString("reason").startsWith("registered again")) {
                    reregistrations++;
                } else {
                    tracked.add(String.format("%s [0x%x, 0x%x) %s, %s", e.getString("kind"), e.getLong("startAddress"),
                            e.getLong("endAddress"), bytes(e.getLong("size")), e.getString("reason")));
                }
                break;
            case "dirtypages.RegionUntracked":
                if (blockId(e) > 0) {
                    blocksByKind.computeIfAbsent(e.getString("kind"), k -> new long[3])
                            [e.getString("reason").equals("freed") ? 1 : 2]++;
                    break;
                }
                untracked.add(String.format("%s [0x%x, 0x%x): %s", e.getString("kind"), e.getLong("startAddress"),
                        e.getLong("endAddress"), e.getString("reason")));
                break;
            case "dirtypages.AgentStatus": {
                String line = e.getString("state") + "; options " + e.getString("options") + "; kernel "
                        + e.getString("kernel")
                        + (e.getString("problems").isEmpty() ? "" : "; problems: " + e.getString("problems"));
                statuses.merge(line, 1, Integer::sum);
                break;
            }
            case "dirtypages.BlockWrites": {
                BlockInfo b = block(e.getLong("blockId"));
                b.writtenPages += e.getLong("writtenPages");
                b.scans++;
                if (b.kind == null) {
                    b.kind = e.getString("kind");
                    b.start = e.getLong("startAddress");
                    b.size = e.getLong("size");
                }
                break;
            }
            case "jdk.GarbageCollection":
                gcs++;
                break;
            case "dirtypages.GcWrites":
                gcEpochs.add(new GcEpoch(e.getLong("gcId"), e.getString("pauseName"), e.getLong("startScanId"),
                        e.getLong("mutatorPages"), e.getLong("collectorPages"),
                        e.getLong("startScanTime") + e.getLong("endScanTime"),
                        e.getBoolean("truncated") || e.getBoolean("overlapped") || e.getBoolean("held")));
                break;
            default:
                break;
        }
    }

    /**
     * One collection pause with gcepochs=true.
     *
     * @param gcId            the JDK's gcId (0: not joined)
     * @param pauseName       as jdk.GCPhasePause names it
     * @param startScanId     its gc-start scan
     * @param mutatorPages    written up to the pause
     * @param collectorPages  written by the pause
     * @param scanNanos       what the two scans added to the pause
     * @param inexact         truncated, overlapped or held: the split is not exact
     */
    public record GcEpoch(long gcId, String pauseName, long startScanId, long mutatorPages, long collectorPages,
                          long scanNanos, boolean inexact) {
    }

    /** The collection pauses the recording's dirtypages.GcWrites events describe, in order. */
    public List<GcEpoch> gcEpochs() {
        return List.copyOf(gcEpochs);
    }

    private void printGcEpochs(PrintStream out) {
        if (gcEpochs.isEmpty()) {
            return;
        }
        long mutator = 0;
        long collector = 0;
        long joined = 0;
        long inexact = 0;
        List<Long> scanTimes = new ArrayList<>();
        for (GcEpoch g : gcEpochs) {
            mutator += g.mutatorPages();
            collector += g.collectorPages();
            joined += g.gcId() > 0 ? 1 : 0;
            inexact += g.inexact() ? 1 : 0;
            scanTimes.add(g.scanNanos());
        }
        out.printf("  GC epochs       %d pauses scanned (%d joined to their jdk.GarbageCollection): mutator %d pages "
                        + "(%s), collector %d pages (%s) in all; the scans added median %s, max %s to a pause%s%n",
                gcEpochs.size(), joined, mutator, bytes(mutator * PAGE), collector, bytes(collector * PAGE),
                millis(median(scanTimes)), millis(Collections.max(scanTimes)),
                inexact > 0 ? "; " + inexact + " not split exactly (truncated, overlapped or held)" : "");
        int shown = Math.min(GC_EPOCH_LINES, gcEpochs.size());
        out.println("  per collection (first " + shown + "): gcId, pause, mutator and collector pages");
        for (GcEpoch g : gcEpochs.subList(0, shown)) {
            out.printf("    gcId %-6s %-52s mutator %8d  collector %8d%s%n", g.gcId() > 0 ? g.gcId() : "?",
                    g.pauseName().isEmpty() ? "(not joined)" : g.pauseName(), g.mutatorPages(), g.collectorPages(),
                    g.inexact() ? "  (not exact)" : "");
        }
    }

    private static long blockId(RecordedEvent e) {
        return e.hasField("blockId") ? e.getLong("blockId") : 0;
    }

    private BlockInfo block(long id) {
        return blocks.computeIfAbsent(id, BlockInfo::new);
    }

    /** An off-heap block as the recording tells it. */
    static final class BlockInfo {
        final long id;
        String kind;
        long start;
        long size;
        String site = "?";
        long writtenPages;
        long scans;

        BlockInfo(long id) {
            this.id = id;
        }
    }

    /** Frames of the allocation machinery, skipped to find who allocated: the agent's hook and the JDK's paths. */
    private static final List<String> MACHINERY = List.of("dev.dirtypages.agent.offheap.", "dev.dirtypages.agent.events.",
            "jdk.internal.misc.", "java.nio.", "jdk.internal.foreign.", "java.lang.foreign.", "sun.misc.Unsafe",
            "sun.nio.ch.Util");

    /**
     * Where a block was allocated: the first frame of its RegionTracked stack trace outside the agent's hook and
     * the JDK's allocation paths, as {@code Class.method:line}; "?" without a stack trace.
     */
    public static String site(RecordedStackTrace stack) {
        if (stack == null || stack.getFrames().isEmpty()) {
            return "?";
        }
        RecordedFrame chosen = null;
        for (RecordedFrame f : stack.getFrames()) {
            String type = f.getMethod().getType().getName();
            if (MACHINERY.stream().noneMatch(type::startsWith)) {
                chosen = f;
                break;
            }
        }
        if (chosen == null) {
            chosen = stack.getFrames().get(stack.getFrames().size() - 1);
        }
        return chosen.getMethod().getType().getName() + "." + chosen.getMethod().getName()
                + (chosen.getLineNumber() > 0 ? ":" + chosen.getLineNumber() : "");
    }

    /** Written pages per off-heap block over the whole recording, the heaviest first. */
    public List<Map.Entry<Long, Long>> blockTotals() {
        List<Map.Entry<Long, Long>> out = new ArrayList<>();
        for (BlockInfo b : blocks.values()) {
            if (b.writtenPages > 0) {
                out.add(Map.entry(b.id, b.writtenPages));
            }
        }
        out.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        return out;
    }

    /** Written pages per allocation site over the whole recording, the heaviest first. */
    public List<Map.Entry<String, Long>> siteTotals() {
        Map<String, Long> bySite = new HashMap<>();
        for (BlockInfo b : blocks.values()) {
            if (b.writtenPages > 0) {
                bySite.merge(b.site, b.writtenPages, Long::sum);
            }
        }
        List<Map.Entry<String, Long>> out = new ArrayList<>(bySite.entrySet());
        out.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        return out;
    }

    private void printOffHeap(PrintStream out) {
        for (Map.Entry<String, long[]> k : blocksByKind.entrySet()) {
            long[] n = k.getValue();
            out.printf("  off-heap        %s: %d blocks allocated, %d freed%s%n", k.getKey(), n[0], n[1],
                    n[2] > 0 ? ", " + n[2] + " could not be registered" : "");
        }
        List<Map.Entry<Long, Long>> heaviest = blockTotals();
        if (heaviest.isEmpty()) {
            return;
        }
        out.println("  heaviest blocks (written pages over all scans):");
        for (Map.Entry<Long, Long> e : heaviest.subList(0, Math.min(10, heaviest.size()))) {
            BlockInfo b = blocks.get(e.getKey());
            out.printf("    #%-6d %-14s %-10s at 0x%x: %d pages in %d scans, allocated at %s%n", b.id, b.kind,
                    bytes(b.size), b.start, b.writtenPages, b.scans, b.site);
        }
        Map<String, Integer> blocksPerSite = new HashMap<>();
        for (BlockInfo b : blocks.values()) {
            if (b.writtenPages > 0) {
                blocksPerSite.merge(b.site, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Long>> sites = siteTotals();
        out.println("  heaviest allocation sites (written pages over all scans):");
        for (Map.Entry<String, Long> e : sites.subList(0, Math.min(10, sites.size()))) {
            out.printf("    %-60s %d pages in %d blocks%n", e.getKey(), e.getValue(), blocksPerSite.get(e.getKey()));
        }
    }

    public long scanCount() {
        return scans.size();
    }

    public long dirtyRangeCount() {
        return dirtyRanges;
    }

    /** The distinct pages any DirtyRange event named, over all regions. */
    public long distinctPages() {
        return scansByPage.values().stream().mapToLong(PageCounts::distinct).sum();
    }

    public void print(Path file, PrintStream out) {
        out.println("dirtypages summary of " + file);
        if (first == null) {
            out.println("  no dirtypages events: was the agent loaded, and were its events enabled "
                    + "(file= option, or settings=dirtypages.jfc)?");
            return;
        }
        out.printf("  span            %s .. %s (%.1f s)%n", first, last, Duration.between(first, last).toMillis() / 1000.0);
        statuses.keySet().forEach(s -> out.println("  agent           " + s));
        tracked.forEach(t -> out.println("  tracked         " + t));
        if (reregistrations > 0) {
            out.println("  re-registered   " + reregistrations + " stretches the JVM remapped (heap commits and "
                    + "uncommits), their pages counted as written");
        }
        untracked.forEach(u -> out.println("  untracked       " + u));
        printOffHeap(out);
        if (scans.isEmpty()) {
            out.println("  no scans recorded");
            return;
        }
        List<Long> written = new ArrayList<>();
        List<Long> durations = new ArrayList<>();
        List<Long> intervals = new ArrayList<>();
        Map<String, Integer> triggers = new TreeMap<>();
        long totalWritten = 0;
        long omitted = 0;
        long tracked = 0;
        for (RecordedEvent s : scans) {
            written.add(s.getLong("writtenBytes"));
            durations.add(s.getDuration().toNanos());
            intervals.add(s.getLong("interval"));
            triggers.merge(s.getString("trigger"), 1, Integer::sum);
            totalWritten += s.getLong("writtenBytes");
            omitted += s.getLong("rangesOmitted");
            tracked = Math.max(tracked, s.getLong("trackedBytes"));
        }
        out.printf("  scans           %d %s, interval median %s%n", scans.size(), triggers, millis(median(intervals)));
        out.printf("  tracked         %s%n", bytes(tracked));
        out.printf("  written/scan    median %s, max %s; %s in all%n", bytes(median(written)),
                bytes(Collections.max(written)), bytes(totalWritten));
        out.printf("  scan time       median %s, max %s%n", millis(median(durations)), millis(Collections.max(durations)));
        out.printf("  ranges          %d DirtyRange events%s%n", dirtyRanges,
                omitted > 0 ? ", " + omitted + " left out by maxranges" : "");
        for (Map.Entry<String, long[]> r : bytesByRegion.entrySet()) {
            PageCounts pages = scansByPage.getOrDefault(r.getKey(), new PageCounts());
            long everyScan = pages.countAtLeast(scans.size());
            long mostScans = pages.countAtLeast(scans.size() / 2 + 1);
            out.printf("  region          %s: %s written in %d ranges; %d distinct pages (%s), %d written in every "
                            + "scan, %d in more than half%n", r.getKey(), bytes(r.getValue()[0]), r.getValue()[1],
                    pages.distinct(), bytes(pages.distinct() * PAGE), everyScan, mostScans);
        }
        if (gcs > 0) {
            out.printf("  collections     %d garbage collections in the recording%n", gcs);
        }
        printGcEpochs(out);
        out.println("  per scan (first 10):");
        for (int i = 0; i < Math.min(10, scans.size()); i++) {
            RecordedEvent s = scans.get(i);
            out.printf("    #%-4d %-9s interval %-9s written %-10s in %5d ranges, scan %s%n", s.getLong("scanId"),
                    s.getString("trigger"), millis(s.getLong("interval")), bytes(s.getLong("writtenBytes")),
                    s.getLong("rangesFound"), millis(s.getDuration().toNanos()));
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    static String millis(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }

    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format("%.2f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format("%.1f MiB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format("%.1f KiB", b / 1024.0);
        }
        return b + " B";
    }
}
