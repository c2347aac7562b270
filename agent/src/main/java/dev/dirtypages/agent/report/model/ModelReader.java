package dev.dirtypages.agent.report.model;

import dev.dirtypages.agent.report.RecordingSummary;
import dev.dirtypages.agent.report.model.Heatmap.Lane;
import dev.dirtypages.agent.report.model.Heatmap.Row;
import dev.dirtypages.agent.report.model.ReportModel.BlockSummary;
import dev.dirtypages.agent.report.model.ReportModel.Collection;
import dev.dirtypages.agent.report.model.ReportModel.GcScan;
import dev.dirtypages.agent.report.model.ReportModel.Pause;
import dev.dirtypages.agent.report.model.ReportModel.RateSeries;
import dev.dirtypages.agent.report.model.ReportModel.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Builds a {@link ReportModel} from a recording in two streaming passes: the first reads the scans, the tracked
 * regions and blocks, the collections and the agent's status (small: one entry per scan, block and GC); the
 * second adds every {@code DirtyRange} into a grid whose size the first fixed. Memory is bounded by the grid
 * and those small lists, not by the number of ranges.
 */
public final class ModelReader {
    /** The generator's budgets: the page draws at most this many columns, heap rows and block lanes. */
    public static final int MAX_COLUMNS = 1200;
    public static final int MAX_HEAP_ROWS = 1024;
    public static final int MAX_BLOCK_LANES = 24;
    static final int MAX_ROWS_PER_BLOCK = 8;
    static final int MAX_STACK_FRAMES = 16;

    private static final long PAGE = 4096;
    private static final long MIB = 1L << 20;
    private static final String HEAP = "java-heap";

    private final int maxColumns;
    private final int maxHeapRows;
    private final int maxBlockLanes;

    public ModelReader() {
        this(MAX_COLUMNS, MAX_HEAP_ROWS, MAX_BLOCK_LANES);
    }

    ModelReader(int maxColumns, int maxHeapRows, int maxBlockLanes) {
        this.maxColumns = maxColumns;
        this.maxHeapRows = maxHeapRows;
        this.maxBlockLanes = maxBlockLanes;
    }

    /**
     * Reads {@code file}; an {@link IOException} says the file could not be read as a recording (see
     * {@link RecordingProblem}), an {@link UnusableRecordingException} that it holds nothing to report.
     */
    public ReportModel read(Path file) throws IOException, UnusableRecordingException {
        Survey survey = new Survey();
        forEachEvent(file, survey::accept);
        if (survey.dirtypagesEvents == 0) {
            throw new UnusableRecordingException(file + " has no dirtypages events: record with the agent's file= "
                    + "option, or with settings=dirtypages.jfc");
        }
        survey.summary.finish();
        Layout layout = new Layout(survey);
        if (survey.dirtyRanges > 0 || survey.memoryKindWrites) {
            forEachEvent(file, layout::accept);
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            survey.summary.print(file, out);
        }
        return layout.model(file.getFileName().toString(), text.toString(StandardCharsets.UTF_8));
    }

    /** Every event of the file; a parser that fails on bad bytes (not only with IOException) gives an IOException. */
    private static void forEachEvent(Path file, Consumer<RecordedEvent> consumer) throws IOException {
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                consumer.accept(recording.readEvent());
            }
        } catch (IndexOutOfBoundsException | IllegalStateException | IllegalArgumentException | InternalError
                 | NegativeArraySizeException | ClassCastException e) {
            throw new IOException("the recording's bytes do not parse: " + e, e);
        }
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static String string(RecordedObject e, String field) {
        if (!e.hasField(field)) {
            return "";
        }
        String s = e.getString(field);
        return s == null ? "" : s;
    }

    /** One scan as the first pass keeps it. */
    record ScanInfo(long id, long startNanos, long intervalNanos, String trigger, long gcId, long writtenBytes,
                    long assumedBytes) {
        long beginNanos() {
            return startNanos - intervalNanos;
        }
    }

    /** A collection as the first pass keeps it, its start in epoch nanos. */
    record RawCollection(long gcId, String name, String cause, long startNanos, double durationMillis,
                         double longestPauseMillis) {
    }

    /** A GC pause as the first pass keeps it, its start in epoch nanos. */
    record RawPause(long gcId, String name, long startNanos, double durationMillis) {
    }

    /** An off-heap block as the first pass keeps it. */
    static final class BlockInfo {
        final long id;
        String kind = "";
        long start;
        long end;
        long trackedNanos = Long.MIN_VALUE;
        long untrackedNanos = Long.MAX_VALUE;
        String site = "?";
        String stack = "";
        long writtenPages;
        long scansWritten;
        boolean freed;

        BlockInfo(long id) {
            this.id = id;
        }

        long firstPage() {
            return start & -PAGE;
        }

        long pages() {
            return Math.max(1, ((end + PAGE - 1) & -PAGE) - firstPage()) / PAGE;
        }
    }

    /** The first pass: everything but the ranges' cells. */
    static final class Survey {
        final RecordingSummary summary = RecordingSummary.empty();
        final List<ScanInfo> scans = new ArrayList<>();
        final Map<Long, BlockInfo> blocks = new HashMap<>();
        /** Stack texts by themselves, so that blocks allocated at one site share one string. */
        final Map<String, String> stacks = new HashMap<>();
        /** Collections and pauses with epoch nanos for times: kept small, not as the parser's events. */
        final List<RawCollection> collections = new ArrayList<>();
        final List<RawPause> pauses = new ArrayList<>();
        final Set<String> problems = new LinkedHashSet<>();
        /** Memory kinds, heap kinds first, in the order met; then off-heap region names. */
        final Set<String> heapKinds = new LinkedHashSet<>();
        final Set<String> offHeapRegions = new TreeSet<>();
        final Set<String> reasons = new LinkedHashSet<>();
        RecordedEvent lastStatus;
        long heapStart = -1;
        long heapEnd = -1;
        long rangeHeapMin = Long.MAX_VALUE;
        long rangeHeapMax = Long.MIN_VALUE;
        long g1RegionSize;
        String youngCollector = "";
        long dirtypagesEvents;
        long firstEventNanos = Long.MAX_VALUE;
        long dirtyRanges;
        boolean blockWrites;
        boolean memoryKindWrites;

        void accept(RecordedEvent e) {
            summary.accept(e);
            String name = e.getEventType().getName();
            if (name.startsWith("dirtypages.")) {
                dirtypagesEvents++;
                firstEventNanos = Math.min(firstEventNanos, nanos(e.getStartTime()));
            }
            switch (name) {
                case "dirtypages.Scan":
                    scans.add(new ScanInfo(e.getLong("scanId"), nanos(e.getStartTime()), e.getLong("interval"),
                            string(e, "trigger"), e.hasField("gcId") ? e.getLong("gcId") : 0,
                            e.getLong("writtenBytes"), e.hasField("assumedBytes") ? e.getLong("assumedBytes") : 0));
                    break;
                case "dirtypages.DirtyRange":
                    dirtyRanges++;
                    if (HEAP.equals(e.getString("region"))) {
                        rangeHeapMin = Math.min(rangeHeapMin, e.getLong("startAddress"));
                        rangeHeapMax = Math.max(rangeHeapMax, e.getLong("endAddress"));
                        String kind = string(e, "memoryKind");
                        heapKinds.add(kind.isEmpty() ? HEAP : kind);
                    } else {
                        offHeapRegions.add(string(e, "region"));
                    }
                    if (e.getBoolean("assumed")) {
                        String reason = string(e, "assumedReason");
                        reasons.add(reason.isEmpty() ? "unknown" : reason);
                    }
                    break;
                case "dirtypages.MemoryKindWrites":
                    memoryKindWrites = true;
                    heapKinds.add(string(e, "memoryKind").isEmpty() ? HEAP : string(e, "memoryKind"));
                    break;
                case "dirtypages.RegionTracked":
                    regionTracked(e);
                    break;
                case "dirtypages.RegionUntracked": {
                    long id = e.hasField("blockId") ? e.getLong("blockId") : 0;
                    if (id > 0) {
                        BlockInfo b = blocks.computeIfAbsent(id, BlockInfo::new);
                        b.untrackedNanos = nanos(e.getStartTime());
                        b.freed = "freed".equals(string(e, "reason"));
                    }
                    break;
                }
                case "dirtypages.BlockWrites": {
                    blockWrites = true;
                    BlockInfo b = blocks.computeIfAbsent(e.getLong("blockId"), BlockInfo::new);
                    b.writtenPages += e.getLong("writtenPages");
                    b.scansWritten++;
                    if (b.kind.isEmpty()) {
                        b.kind = string(e, "kind");
                        b.start = e.getLong("startAddress");
                        b.end = e.getLong("endAddress");
                    }
                    break;
                }
                case "dirtypages.AgentStatus":
                    if (lastStatus == null || !e.getStartTime().isBefore(lastStatus.getStartTime())) {
                        lastStatus = e;
                    }
                    if (!string(e, "problems").isEmpty()) {
                        problems.add(string(e, "problems"));
                    }
                    break;
                case "jdk.GarbageCollection":
                    collections.add(new RawCollection(e.getLong("gcId"), string(e, "name"), string(e, "cause"),
                            nanos(e.getStartTime()), e.getDuration().toNanos() / 1e6,
                            e.hasField("longestPause") ? e.getDuration("longestPause").toNanos() / 1e6 : 0));
                    break;
                case "jdk.GCPhasePause":
                    pauses.add(new RawPause(e.getLong("gcId"), string(e, "name"), nanos(e.getStartTime()),
                            e.getDuration().toNanos() / 1e6));
                    break;
                case "jdk.GCConfiguration":
                    youngCollector = string(e, "youngCollector");
                    break;
                case "jdk.UnsignedLongFlag":
                    if ("G1HeapRegionSize".equals(string(e, "name"))) {
                        g1RegionSize = e.getLong("value");
                    }
                    break;
                default:
                    break;
            }
        }

        private void regionTracked(RecordedEvent e) {
            long id = e.hasField("blockId") ? e.getLong("blockId") : 0;
            if (id > 0) {
                BlockInfo b = blocks.computeIfAbsent(id, BlockInfo::new);
                b.kind = string(e, "kind");
                b.start = e.getLong("startAddress");
                b.end = e.getLong("endAddress");
                b.trackedNanos = nanos(e.getStartTime());
                b.site = RecordingSummary.site(e.getStackTrace());
                String stack = stack(e.getStackTrace());
                b.stack = stacks.computeIfAbsent(stack, s -> s);
            } else if (HEAP.equals(string(e, "kind")) && !string(e, "reason").startsWith("registered again")) {
                heapStart = heapStart < 0 ? e.getLong("startAddress") : Math.min(heapStart, e.getLong("startAddress"));
                heapEnd = Math.max(heapEnd, e.getLong("endAddress"));
            }
        }

        /** The allocation's frames, the agent's own left out: one {@code Class.method:line} a line. */
        private static String stack(RecordedStackTrace trace) {
            if (trace == null) {
                return "";
            }
            StringBuilder sb = new StringBuilder();
            int n = 0;
            for (RecordedFrame f : trace.getFrames()) {
                String type = f.getMethod().getType().getName();
                if (type.startsWith("dev.dirtypages.agent.")) {
                    continue;
                }
                if (n++ == MAX_STACK_FRAMES) {
                    sb.append("...\n");
                    break;
                }
                sb.append(type).append('.').append(f.getMethod().getName());
                if (f.getLineNumber() > 0) {
                    sb.append(':').append(f.getLineNumber());
                }
                sb.append('\n');
            }
            return sb.toString();
        }
    }

    /** Between the passes: columns, rows and lanes fixed from the survey; the second pass fills the cells. */
    final class Layout {
        private final Survey survey;
        private final List<ScanInfo> scans;
        private final Map<Long, Integer> scanIndex = new HashMap<>();
        private final TimeAxis time;
        private final long origin;
        private final List<Lane> lanes = new ArrayList<>();
        private final List<Row> rows = new ArrayList<>();
        private final List<String> kinds = new ArrayList<>();
        private final List<String> reasons = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private long heapStart = -1;
        private long heapEnd = -1;
        private long heapRowBytes;
        private String rowDescription = "";
        private final List<BlockInfo> laneBlocks = new ArrayList<>();
        private final List<Integer> laneFirstRow = new ArrayList<>();
        private int otherRow = -1;
        private final int[] measured;
        private final int[] assumed;
        private final byte[] kind;
        private final byte[] reason;
        /** Per cell, the largest range added to it so far: the one whose kind the cell shows. */
        private final int[] largest;
        private final int[] largestAssumed;
        /** Written bytes per series and column: index 2 * kind (+1 for assumed), kinds as in {@link #kinds}. */
        private final double[][] rateBytes;
        private long rangesWithoutScan;
        private long rangesOutside;

        Layout(Survey survey) {
            this.survey = survey;
            scans = new ArrayList<>(survey.scans);
            scans.sort(Comparator.comparingLong(ScanInfo::id));
            for (int i = 0; i < scans.size(); i++) {
                scanIndex.put(scans.get(i).id(), i);
            }
            long first = scans.isEmpty() ? survey.firstEventNanos : scans.get(0).beginNanos();
            // a whole millisecond, so that the page's relative times add to it exactly
            origin = Math.floorDiv(first, 1_000_000L) * 1_000_000L;
            time = timeAxis();
            kinds.add("");
            kinds.addAll(survey.heapKinds);
            kinds.addAll(survey.offHeapRegions);
            reasons.add("");
            reasons.addAll(survey.reasons);
            if (survey.dirtyRanges > 0) {
                heapRows();
                blockLanes();
            } else {
                notes.add("The recording has no dirtypages.DirtyRange events, so the heatmap is empty: record "
                        + "with settings=dirtypages.jfc (the file= option does) to see where memory was written.");
            }
            boolean ratesFromScans = survey.dirtyRanges == 0 && !survey.memoryKindWrites;
            if (ratesFromScans) {
                kinds.add("all");
            }
            int cells = time.columns() * rows.size();
            measured = new int[cells];
            assumed = new int[cells];
            kind = new byte[cells];
            reason = new byte[cells];
            largest = new int[cells];
            largestAssumed = new int[cells];
            rateBytes = new double[kinds.size() * 2][time.columns()];
            if (ratesFromScans) {
                ratesFromScans();
            }
        }

        private TimeAxis timeAxis() {
            int spc = TimeAxis.scansPerColumn(scans.size(), maxColumns);
            int columns = (scans.size() + spc - 1) / spc;
            double[] start = new double[columns];
            double[] end = new double[columns];
            long[] firstId = new long[columns];
            int[] count = new int[columns];
            for (int c = 0; c < columns; c++) {
                int first = c * spc;
                int last = Math.min(scans.size(), first + spc) - 1;
                start[c] = millis(c == 0 ? scans.get(first).beginNanos() : scans.get(first - 1).startNanos());
                end[c] = millis(scans.get(last).startNanos());
                firstId[c] = scans.get(first).id();
                count[c] = last - first + 1;
            }
            if (spc > 1) {
                notes.add(String.format("%d scans, %d to a column: a cell shows the pages written in %d consecutive "
                        + "scans (zooming in does not split them).", scans.size(), spc, spc));
            }
            return new TimeAxis(scans.size(), spc, start, end, firstId, count);
        }

        private double millis(long epochNanos) {
            return (epochNanos - origin) / 1e6;
        }

        private void heapRows() {
            heapStart = survey.heapStart;
            heapEnd = survey.heapEnd;
            if (heapStart < 0 && survey.rangeHeapMin <= survey.rangeHeapMax) {
                heapStart = survey.rangeHeapMin & -MIB;
                heapEnd = (survey.rangeHeapMax + MIB - 1) & -MIB;
                notes.add("No RegionTracked event gives the heap's reserved range: the heap rows span the written "
                        + "addresses only.");
            }
            if (heapStart < 0) {
                return;
            }
            long size = heapEnd - heapStart;
            boolean g1 = survey.g1RegionSize > 0 && survey.youngCollector.startsWith("G1");
            long unit = g1 ? survey.g1RegionSize : MIB;
            long perRow = 1;
            while (size / (unit * perRow) > maxHeapRows) {
                perRow *= 2;
            }
            heapRowBytes = unit * perRow;
            if (g1) {
                rowDescription = perRow == 1
                        ? "one row per G1 region of " + mib(unit)
                        : "one row per " + perRow + " G1 regions of " + mib(unit) + " (" + mib(heapRowBytes) + ")";
            } else {
                rowDescription = "rows of " + mib(heapRowBytes) + " (fixed buckets: the recording does not give "
                        + "G1's region size)";
            }
            int n = (int) ((size + heapRowBytes - 1) / heapRowBytes);
            int lane = lanes.size();
            lanes.add(new Lane("Java heap", String.format("0x%x-0x%x, %s", heapStart, heapEnd, rowDescription),
                    rows.size(), n, true));
            for (int r = 0; r < n; r++) {
                long s = heapStart + r * heapRowBytes;
                long e = Math.min(heapEnd, s + heapRowBytes);
                rows.add(new Row(lane, s, e, (e - s) / PAGE));
            }
        }

        private void blockLanes() {
            List<BlockInfo> all = new ArrayList<>();
            for (BlockInfo b : survey.blocks.values()) {
                if (!b.kind.isEmpty() && b.end > b.start) {
                    all.add(b);
                }
            }
            Comparator<BlockInfo> heaviest = survey.blockWrites
                    ? Comparator.comparingLong((BlockInfo b) -> -b.writtenPages)
                    : Comparator.comparingLong((BlockInfo b) -> -(b.end - b.start));
            all.sort(heaviest.thenComparingLong(b -> b.id));
            long otherPages = 0;
            for (BlockInfo b : all) {
                boolean heavy = survey.blockWrites ? b.writtenPages > 0 : true;
                if (heavy && laneBlocks.size() < maxBlockLanes) {
                    laneBlocks.add(b);
                } else {
                    otherPages += b.pages();
                }
            }
            if (!survey.blockWrites && !all.isEmpty()) {
                notes.add("No BlockWrites events: the off-heap lanes are the largest blocks, not the most written.");
            }
            for (BlockInfo b : laneBlocks) {
                int n = (int) Math.min(MAX_ROWS_PER_BLOCK, b.pages());
                long rowPages = (b.pages() + n - 1) / n;
                n = (int) ((b.pages() + rowPages - 1) / rowPages);
                int lane = lanes.size();
                laneFirstRow.add(rows.size());
                lanes.add(new Lane(b.kind + " #" + b.id, String.format("%s at 0x%x, allocated at %s", mib(b.end - b.start),
                        b.start, b.site), rows.size(), n, false));
                for (int r = 0; r < n; r++) {
                    long s = b.firstPage() + r * rowPages * PAGE;
                    long e = Math.min(b.firstPage() + b.pages() * PAGE, s + rowPages * PAGE);
                    rows.add(new Row(lane, s, e, (e - s) / PAGE));
                }
            }
            if (!survey.offHeapRegions.isEmpty() && (otherPages > 0 || laneBlocks.isEmpty())) {
                otherRow = rows.size();
                lanes.add(new Lane("other off-heap", laneBlocks.isEmpty()
                        ? "off-heap memory (no block events)"
                        : "the other " + (all.size() - laneBlocks.size()) + " blocks, " + mib(otherPages * PAGE)
                                + " in all", rows.size(), 1, false));
                rows.add(new Row(lanes.size() - 1, 0, 0, Math.max(1, otherPages)));
            }
        }

        /** Without ranges, the rates come from the scans' totals, all kinds together. */
        private void ratesFromScans() {
            int all = kinds.size() - 1;
            for (int i = 0; i < scans.size(); i++) {
                ScanInfo s = scans.get(i);
                int c = i / time.scansPerColumn();
                rateBytes[2 * all][c] += s.writtenBytes() - s.assumedBytes();
                rateBytes[2 * all + 1][c] += s.assumedBytes();
            }
        }

        void accept(RecordedEvent e) {
            switch (e.getEventType().getName()) {
                case "dirtypages.DirtyRange":
                    range(e);
                    break;
                case "dirtypages.MemoryKindWrites": {
                    Integer i = scanIndex.get(e.getLong("scanId"));
                    if (i != null) {
                        String k = string(e, "memoryKind");
                        int ki = kinds.indexOf(k.isEmpty() ? HEAP : k);
                        int c = i / time.scansPerColumn();
                        rateBytes[2 * ki][c] += e.getLong("writtenBytes");
                        rateBytes[2 * ki + 1][c] += e.getLong("assumedBytes");
                    }
                    break;
                }
                default:
                    break;
            }
        }

        private void range(RecordedEvent e) {
            Integer index = scanIndex.get(e.getLong("scanId"));
            if (index == null) {
                rangesWithoutScan++;
                return;
            }
            int column = index / time.scansPerColumn();
            long start = e.getLong("startAddress");
            long end = e.getLong("endAddress");
            boolean isAssumed = e.getBoolean("assumed");
            String region = e.getString("region");
            boolean heap = HEAP.equals(region);
            String k = heap ? string(e, "memoryKind") : region;
            int kindIndex = kinds.indexOf(k.isEmpty() ? HEAP : k);
            int reasonIndex = 0;
            if (isAssumed) {
                String r = string(e, "assumedReason");
                reasonIndex = reasons.indexOf(r.isEmpty() ? "unknown" : r);
            }
            if (!heap || !survey.memoryKindWrites) {
                rateBytes[2 * kindIndex + (isAssumed ? 1 : 0)][column] += end - start;
            }
            if (heap && start < heapEnd && end > heapStart) {
                long s = Math.max(start, heapStart);
                long en = Math.min(end, heapEnd);
                int first = (int) ((s - heapStart) / heapRowBytes);
                int last = (int) ((en - 1 - heapStart) / heapRowBytes);
                for (int r = first; r <= last; r++) {
                    long rs = heapStart + r * heapRowBytes;
                    add(column, r, pages(Math.max(s, rs), Math.min(en, rs + heapRowBytes)), isAssumed, kindIndex,
                            reasonIndex);
                }
                return;
            }
            if (!heap) {
                ScanInfo scan = scans.get(index);
                for (int l = 0; l < laneBlocks.size(); l++) {
                    BlockInfo b = laneBlocks.get(l);
                    long bs = b.firstPage();
                    long be = bs + b.pages() * PAGE;
                    if (start < be && end > bs && b.trackedNanos <= scan.startNanos()
                            && b.untrackedNanos >= scan.beginNanos()) {
                        int firstRow = laneFirstRow.get(l);
                        Heatmap.Lane lane = lanes.get(rows.get(firstRow).lane());
                        for (int r = firstRow; r < firstRow + lane.rowCount(); r++) {
                            Row row = rows.get(r);
                            if (start < row.end() && end > row.start()) {
                                add(column, r, pages(Math.max(start, row.start()), Math.min(end, row.end())),
                                        isAssumed, kindIndex, reasonIndex);
                            }
                        }
                        return;
                    }
                }
                if (otherRow >= 0) {
                    add(column, otherRow, pages(start, end), isAssumed, kindIndex, reasonIndex);
                    return;
                }
            }
            rangesOutside++;
        }

        private long pages(long start, long end) {
            return (end - start + PAGE - 1) / PAGE;
        }

        private void add(int column, int row, long pages, boolean isAssumed, int kindIndex, int reasonIndex) {
            int i = column * rows.size() + row;
            int p = (int) Math.min(Integer.MAX_VALUE, pages);
            if (isAssumed) {
                assumed[i] = (int) Math.min(Integer.MAX_VALUE, (long) assumed[i] + p);
                if (p > largestAssumed[i]) {
                    largestAssumed[i] = p;
                    reason[i] = (byte) reasonIndex;
                }
            } else {
                measured[i] = (int) Math.min(Integer.MAX_VALUE, (long) measured[i] + p);
            }
            if (p > largest[i]) {
                largest[i] = p;
                kind[i] = (byte) kindIndex;
            }
        }

        ReportModel model(String source, String summaryText) {
            if (rangesWithoutScan > 0) {
                notes.add(rangesWithoutScan + " DirtyRange events name a scan the recording has no Scan event for; "
                        + "they are left out.");
            }
            if (rangesOutside > 0) {
                notes.add(rangesOutside + " DirtyRange events lie outside the heap and the tracked blocks; they "
                        + "count in the rates but not in the heatmap.");
            }
            double[][] bytes = rateBytes;
            List<RateSeries> rates = new ArrayList<>();
            for (int k = 1; k < kinds.size(); k++) {
                for (int a = 0; a < 2; a++) {
                    double[] b = bytes[2 * k + a];
                    double[] mibs = new double[b.length];
                    boolean any = false;
                    for (int c = 0; c < b.length; c++) {
                        double seconds = (time.endMillis()[c] - time.startMillis()[c]) / 1000;
                        mibs[c] = seconds > 0 ? b[c] / MIB / seconds : 0;
                        any |= b[c] > 0;
                    }
                    if (any) {
                        rates.add(new RateSeries(kinds.get(k), a == 1, mibs));
                    }
                }
            }
            List<Collection> collections = new ArrayList<>();
            for (RawCollection c : survey.collections) {
                collections.add(new Collection(c.gcId(), c.name(), c.cause(), millis(c.startNanos()),
                        c.durationMillis(), c.longestPauseMillis()));
            }
            collections.sort(Comparator.comparingDouble(Collection::startMillis));
            List<Pause> pauses = new ArrayList<>();
            for (RawPause p : survey.pauses) {
                pauses.add(new Pause(p.gcId(), p.name(), millis(p.startNanos()), p.durationMillis()));
            }
            pauses.sort(Comparator.comparingDouble(Pause::startMillis));
            List<GcScan> gcScans = new ArrayList<>();
            for (ScanInfo s : scans) {
                if (s.trigger().startsWith("gc-")) {
                    gcScans.add(new GcScan(s.id(), s.gcId(), s.trigger(), millis(s.startNanos())));
                }
            }
            List<BlockSummary> blocks = new ArrayList<>();
            List<BlockInfo> heaviest = new ArrayList<>(survey.blocks.values());
            heaviest.removeIf(b -> b.writtenPages == 0 || b.kind.isEmpty());
            heaviest.sort(Comparator.comparingLong((BlockInfo b) -> -b.writtenPages).thenComparingLong(b -> b.id));
            for (BlockInfo b : heaviest.subList(0, Math.min(heaviest.size(), 20))) {
                blocks.add(new BlockSummary(b.id, b.kind, b.start, b.end - b.start, b.site, b.stack, b.writtenPages,
                        b.scansWritten, b.freed));
            }
            Heatmap heatmap = new Heatmap(List.copyOf(lanes), List.copyOf(rows), List.copyOf(kinds),
                    List.copyOf(reasons), measured, assumed, kind, reason, rowDescription);
            return new ReportModel(source, origin / 1_000_000, time, heatmap, rates, collections, pauses, gcScans,
                    blocks, status(), summaryText, List.copyOf(notes));
        }

        private Status status() {
            RecordedEvent e = survey.lastStatus;
            if (e == null) {
                return Status.UNKNOWN;
            }
            return new Status(string(e, "state"), string(e, "options"), string(e, "kernel"),
                    List.copyOf(survey.problems), e.hasField("scans") ? e.getLong("scans") : 0,
                    e.hasField("trackedBytes") ? e.getLong("trackedBytes") : 0);
        }
    }

    private static String mib(long bytes) {
        if (bytes >= MIB && bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        if (bytes >= MIB) {
            return String.format("%.1f MiB", bytes / (double) MIB);
        }
        return String.format("%.0f KiB", bytes / 1024.0);
    }
}
