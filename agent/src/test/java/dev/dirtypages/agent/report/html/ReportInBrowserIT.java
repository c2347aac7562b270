package dev.dirtypages.agent.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dirtypages.agent.report.ReportCommand;
import dev.dirtypages.agent.report.ReportChildren;
import dev.dirtypages.agent.testapp.KnownOffHeapWrites;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.Chromium;
import dev.dirtypages.agent.testing.GroundTruth;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.agent.testing.Json;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a recording made by a child JVM that wrote known pages of a direct buffer at known times, opened
 * in headless Chromium: it loads without errors, the buffer's lane has a coloured cell exactly where the child
 * wrote and an uncoloured one where it did not, with the figures of the ground truth, and hovering a cell shows
 * them.
 */
@EnabledIfUserfaultfd
class ReportInBrowserIT {
    private static final long INTERVAL_MS = 100;
    /** Distinctive, a little over 2 MiB: its whole pages are the buffer's alone. */
    private static final long BYTES = (2 << 20) + 4321;
    private static final int ROUNDS = 8;
    private static final int PAGES_PER_ROUND = 48;
    private static final long PAUSE_MS = 400;
    private static final long PAGE = 4096;

    @TempDir
    Path dir;

    @Test
    void theHeatmapShowsTheKnownWritesOfAChildJvmAndNothingElse() throws Exception {
        assumeTrue(Chromium.installed() || Boolean.getBoolean("dirtypages.requireKernelFeatures"),
                "the distribution's Chromium is not installed (.ci/run installs it)");
        Path jfr = dir.resolve("known.jfr");
        // The report is under test here, not the agent's start: the child allocates its buffer once the agent
        // tracks, so that the scan arming it (which reports the buffer's zeroing, before-arming) comes before the
        // rounds. Allocation in the first line of main is FirstLineOffHeapIT's.
        ChildJvm.Result run = ReportChildren.offHeapChild(dir)
                .agent("interval=" + INTERVAL_MS + "ms,file=" + jfr)
                .args("-cp", ChildJvm.testClasses().toString(), KnownOffHeapWrites.class.getName(), "direct",
                        Long.toString(BYTES), Integer.toString(ROUNDS), Integer.toString(PAGES_PER_ROUND),
                        Long.toString(PAUSE_MS), "29", "after-agent")
                .run();
        assertEquals(0, run.exitCode(), run.toString());
        String[] block = run.stdout().lines().filter(l -> l.startsWith("BLOCK ")).findFirst().orElseThrow().split(" ");
        long firstPage = Long.parseLong(block[3]);
        long wholeEnd = firstPage + Long.parseLong(block[4]) * PAGE;
        GroundTruth truth = GroundTruth.parse(run.stdout());
        assertEquals(ROUNDS, truth.rounds.size(), run.toString());

        Path html = dir.resolve("known.html");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ReportCommand.run(new String[] {jfr.toString(), "-o", html.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));

        try (Chromium chromium = Chromium.start(1400, 1000)) {
            chromium.open(html);
            assertEquals(Boolean.TRUE, chromium.evaluate("window.dirtypagesReport.ready"));
            PageModel page = PageModel.read(chromium);
            assertEquals(1, page.scansPerColumn, "one scan a column for a short recording");

            // the buffer's lane, found by its address
            int lane = -1;
            for (int r = 0; r < page.rowStart.length; r++) {
                if (page.rowStart[r] <= firstPage && firstPage < page.rowEnd[r] && !page.laneIsHeap(page.rowLane[r])) {
                    lane = page.rowLane[r];
                }
            }
            assertTrue(lane >= 0, "no lane holds the buffer at 0x" + Long.toHexString(firstPage));
            // the rows of the buffer's whole pages: the pages at its edges are shared with the allocator, which
            // writes them when it pleases
            List<Integer> laneRows = page.rowsOf(lane);
            assertEquals(8, laneRows.size(), "the buffer's lane is cut into rows");
            laneRows.removeIf(r -> page.rowStart[r] < firstPage || page.rowEnd[r] > wholeEnd);
            assertTrue(laneRows.size() >= 6, "rows of whole pages: " + laneRows);

            // from a little before the first round on, the only writes to the buffer are the rounds'
            long quietFrom = truth.rounds.get(0)[0] - PAUSE_MS / 2 * 1_000_000;
            int checkedColoured = 0;
            int checkedEmpty = 0;
            String hovered = null;
            for (int c = 0; c < page.columns(); c++) {
                long begin = page.epochNanos(page.start[c]);
                long end = page.epochNanos(page.end[c]);
                if (begin < quietFrom) {
                    continue;
                }
                List<Integer> rounds = new ArrayList<>();
                for (int k = 0; k < truth.rounds.size(); k++) {
                    long t0 = truth.rounds.get(k)[0] - GroundTruth.SLACK_NANOS;
                    long t1 = truth.rounds.get(k)[1] + GroundTruth.SLACK_NANOS;
                    if (t0 <= end && t1 >= begin) {
                        rounds.add(k);
                    }
                }
                for (int r : laneRows) {
                    Map<String, Object> cell = page.cell(chromium, c, r);
                    long written = ((Number) cell.get("measured")).longValue() + ((Number) cell.get("assumed")).longValue();
                    List<Long> rgb = page.pixel(chromium, c, r);
                    if (rounds.isEmpty()) {
                        assertEquals(0, written, "column " + c + " row " + r + ": no round wrote then, yet " + cell);
                        assertEquals(page.empty, rgb, "column " + c + " row " + r + " is drawn written");
                        checkedEmpty++;
                        continue;
                    }
                    long truthPages = 0;
                    for (int k : rounds) {
                        truthPages += pagesIn(truth.written.get(k), firstPage, page.rowStart[r], page.rowEnd[r]);
                    }
                    assertTrue(written <= truthPages, "column " + c + " row " + r + ": " + written
                            + " pages, more than the " + truthPages + " the rounds wrote there");
                    if (written > 0) {
                        assertNotEquals(page.empty, rgb, "column " + c + " row " + r + " has writes, drawn empty");
                        checkedColoured++;
                    } else {
                        assertEquals(page.empty, rgb, "column " + c + " row " + r + " has none, drawn written");
                    }
                    if (hovered == null && written > 0 && rounds.size() == 1) {
                        hovered = hover(chromium, page, c, r, written);
                        colouredByKind(chromium, page, c, r, rgb);
                    }
                }
            }
            // and every page a round wrote is in one of the columns around it
            for (int k = 0; k < truth.rounds.size(); k++) {
                for (int r : laneRows) {
                    long sum = 0;
                    for (int c = 0; c < page.columns(); c++) {
                        long t0 = truth.rounds.get(k)[0] - GroundTruth.SLACK_NANOS;
                        long t1 = truth.rounds.get(k)[1] + GroundTruth.SLACK_NANOS;
                        if (t0 <= page.epochNanos(page.end[c]) && t1 >= page.epochNanos(page.start[c])) {
                            Map<String, Object> cell = page.cell(chromium, c, r);
                            sum += ((Number) cell.get("measured")).longValue() + ((Number) cell.get("assumed")).longValue();
                        }
                    }
                    assertEquals(pagesIn(truth.written.get(k), firstPage, page.rowStart[r], page.rowEnd[r]), sum,
                            "round " + (k + 1) + ", row " + r);
                }
            }
            assertTrue(checkedColoured >= ROUNDS, "coloured cells checked: " + checkedColoured);
            assertTrue(checkedEmpty >= ROUNDS * laneRows.size(), "empty cells checked: " + checkedEmpty);
            assertNotNull(hovered, "no cell of a single round to hover");

            chromium.screenshot(Path.of("target", "report-screenshots", "known-offheap-writes.png"));
            zoomByDragging(chromium, page);
            assertEquals(List.of(), chromium.errors(), "the page reported errors");
        }
    }

    /** Dragging across the heatmap from one column's centre to another's shows that range, in the rate plot too. */
    @SuppressWarnings("unchecked")
    private static void zoomByDragging(Chromium chromium, PageModel page) throws Exception {
        int from = page.columns() / 4;
        int to = page.columns() / 2;
        Map<String, Object> a = (Map<String, Object>) chromium.evaluate("window.dirtypagesReport.cellCentre(" + from + ",0)");
        Map<String, Object> b = (Map<String, Object>) chromium.evaluate("window.dirtypagesReport.cellCentre(" + to + ",0)");
        chromium.drag(((Number) a.get("x")).doubleValue(), ((Number) a.get("y")).doubleValue(),
                ((Number) b.get("x")).doubleValue(), ((Number) b.get("y")).doubleValue());
        Map<String, Object> view = (Map<String, Object>) chromium.evaluate("window.dirtypagesReport.view()");
        double viewFrom = ((Number) view.get("from")).doubleValue();
        double viewTo = ((Number) view.get("to")).doubleValue();
        assertTrue(viewFrom > page.start[from] && viewFrom < page.end[from], "zoomed from " + viewFrom);
        assertTrue(viewTo > page.start[to] && viewTo < page.end[to], "zoomed to " + viewTo);
        Map<String, Object> scale = (Map<String, Object>) chromium.evaluate(
                "({min: window.dirtypagesReport.plot().scales.x.min, max: window.dirtypagesReport.plot().scales.x.max})");
        assertEquals(viewFrom / 1000, ((Number) scale.get("min")).doubleValue(), 1e-6, "the rate plot follows");
        assertEquals(viewTo / 1000, ((Number) scale.get("max")).doubleValue(), 1e-6, "the rate plot follows");
    }

    /**
     * The heap's rows: a child writes known pages of a large array in rounds; the rest of the heap is not quiet
     * (the JVM writes it too), so each row holding a round's pages must be drawn written with at least those
     * pages, in a column around the round.
     */
    @Test
    void theHeapRowsShowTheKnownWritesOfAChildJvm() throws Exception {
        assumeTrue(Chromium.installed() || Boolean.getBoolean("dirtypages.requireKernelFeatures"),
                "the distribution's Chromium is not installed (.ci/run installs it)");
        Path jfr = dir.resolve("heap.jfr");
        ChildJvm.Result run = ChildJvm.in(dir).args("-XX:+UseG1GC", "-XX:-UseCompressedOops", "-Xms256m", "-Xmx256m")
                .agent("interval=" + INTERVAL_MS + "ms,file=" + jfr)
                .args("-cp", ChildJvm.testClasses().toString(), "dev.dirtypages.agent.testapp.KnownHeapWrites",
                        Integer.toString(ROUNDS), "300", Long.toString(PAUSE_MS), "31")
                .run();
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(run.stdout().contains("MOVED"), "the array moved\n" + run);
        String[] block = run.stdout().lines().filter(l -> l.startsWith("BLOCK ")).findFirst().orElseThrow().split(" ");
        long firstPage = Long.parseLong(block[1]);
        GroundTruth truth = GroundTruth.parse(run.stdout());
        Path html = dir.resolve("heap.html");
        assertEquals(0, ReportCommand.run(new String[] {jfr.toString(), "-o", html.toString()}, System.out, System.err));

        try (Chromium chromium = Chromium.start(1400, 1000)) {
            chromium.open(html);
            assertEquals(Boolean.TRUE, chromium.evaluate("window.dirtypagesReport.ready"));
            PageModel page = PageModel.read(chromium);
            // The child writes from main's first line: rounds before the agent's first scan are drawn where that
            // scan is, which reports them.
            long firstScan = Recordings.events(jfr, "dirtypages.Scan").stream()
                    .mapToLong(e -> Recordings.nanos(e.getEndTime())).min().orElseThrow();
            int checked = 0;
            for (int k = 0; k < truth.rounds.size(); k++) {
                long t0 = truth.rounds.get(k)[0] - GroundTruth.SLACK_NANOS;
                long t1 = Math.max(truth.rounds.get(k)[1], firstScan) + GroundTruth.SLACK_NANOS;
                for (int r = 0; r < page.rowStart.length; r++) {
                    if (!page.laneIsHeap(page.rowLane[r])) {
                        continue;
                    }
                    long expected = pagesIn(truth.written.get(k), firstPage, page.rowStart[r], page.rowEnd[r]);
                    if (expected == 0) {
                        continue;
                    }
                    long sum = 0;
                    for (int c = 0; c < page.columns(); c++) {
                        if (t0 <= page.epochNanos(page.end[c]) && t1 >= page.epochNanos(page.start[c])) {
                            Map<String, Object> cell = page.cell(chromium, c, r);
                            long written = ((Number) cell.get("measured")).longValue()
                                    + ((Number) cell.get("assumed")).longValue();
                            sum += written;
                            if (written > 0) {
                                assertNotEquals(page.empty, page.pixel(chromium, c, r), "column " + c + " row " + r);
                            }
                        }
                    }
                    assertTrue(sum >= expected, "round " + (k + 1) + " wrote " + expected + " pages in row " + r
                            + " (0x" + Long.toHexString(page.rowStart[r]) + "), the report shows " + sum);
                    checked++;
                }
            }
            assertTrue(checked >= ROUNDS, "rows checked: " + checked);
            assertEquals(List.of(), chromium.errors(), "the page reported errors");
        }
    }

    @Test
    void aRecordingWithScansButNoRangesShowsItsRatesAndSaysWhyTheHeatmapIsEmpty() throws Exception {
        assumeTrue(Chromium.installed() || Boolean.getBoolean("dirtypages.requireKernelFeatures"),
                "the distribution's Chromium is not installed (.ci/run installs it)");
        Path jfr = dir.resolve("scans.jfr");
        try (jdk.jfr.Recording r = new jdk.jfr.Recording()) {
            r.enable("dirtypages.Scan");
            r.start();
            for (int i = 1; i <= 20; i++) {
                dev.dirtypages.agent.events.ScanEvent s = new dev.dirtypages.agent.events.ScanEvent();
                s.begin();
                s.scanId = i;
                s.trigger = "timer";
                s.interval = 1_000_000;
                s.writtenBytes = i * PAGE;
                s.commit();
            }
            r.stop();
            r.dump(jfr);
        }
        Path html = dir.resolve("scans.html");
        assertEquals(0, ReportCommand.run(new String[] {jfr.toString(), "-o", html.toString()}, System.out, System.err));
        try (Chromium chromium = Chromium.start(1200, 900)) {
            chromium.open(html);
            assertEquals(Boolean.TRUE, chromium.evaluate("window.dirtypagesReport.ready"));
            assertEquals("all", chromium.evaluate("window.dirtypagesReport.model.rates[0].kind"));
            assertTrue(((String) chromium.evaluate("document.getElementById('notes').textContent"))
                    .contains("no dirtypages.DirtyRange events"));
            assertEquals(List.of(), chromium.errors(), "the page reported errors");
        }
    }

    /** "Colour by memory kind" draws a written cell in its kind's colour, and back. */
    private static void colouredByKind(Chromium chromium, PageModel page, int c, int r, List<Long> byFraction)
            throws Exception {
        String select = "(v => { const s = document.getElementById('colour-mode'); s.value = v; "
                + "s.dispatchEvent(new Event('change')); return s.value; })";
        assertEquals("kind", chromium.evaluate(select + "('kind')"));
        List<Long> byKind = page.pixel(chromium, c, r);
        assertNotEquals(byFraction, byKind, "the cell kept its colour by fraction");
        assertNotEquals(page.empty, byKind, "the cell is drawn empty by kind");
        assertTrue(byKind.get(0) > byKind.get(2), "direct-buffer is drawn in its orange-brown: " + byKind);
        assertEquals("written", chromium.evaluate(select + "('written')"));
        assertEquals(byFraction, page.pixel(chromium, c, r));
    }

    /** Moves the mouse over a cell and checks the tooltip's figures: its pages, its address range, its scan. */
    private static String hover(Chromium chromium, PageModel page, int c, int r, long written) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> centre = (Map<String, Object>) chromium.evaluate(
                "window.dirtypagesReport.cellCentre(" + c + "," + r + ")");
        chromium.mouseMove(((Number) centre.get("x")).doubleValue(), ((Number) centre.get("y")).doubleValue());
        String tip = (String) chromium.evaluate("window.dirtypagesReport.tooltip()");
        assertNotNull(tip, "no tooltip over column " + c + " row " + r);
        assertTrue(tip.contains("written: " + written + " pages measured"), tip);
        assertTrue(tip.contains("0x" + Long.toHexString(page.rowStart[r]) + "-0x" + Long.toHexString(page.rowEnd[r])), tip);
        assertTrue(tip.contains("(scan #" + page.firstScan[c] + ")"), tip);
        assertTrue(tip.contains("kind: direct-buffer"), tip);
        return tip;
    }

    private static long pagesIn(Set<Integer> written, long firstPage, long rowStart, long rowEnd) {
        return written.stream().mapToLong(p -> firstPage + p * PAGE).filter(a -> a >= rowStart && a < rowEnd).count();
    }

    /** The model the page holds, as its script exposes it. */
    static final class PageModel {
        long origin;
        int scansPerColumn;
        double[] start;
        double[] end;
        long[] firstScan;
        long[] rowStart;
        long[] rowEnd;
        int[] rowLane;
        List<Object> lanes;
        List<Long> empty;

        @SuppressWarnings("unchecked")
        static PageModel read(Chromium chromium) throws Exception {
            Map<String, Object> m = (Map<String, Object>) Json.parse((String) chromium.evaluate(
                    "JSON.stringify({origin: dirtypagesReport.model.origin, time: dirtypagesReport.model.time, "
                            + "rows: dirtypagesReport.model.heatmap.rows, lanes: dirtypagesReport.model.heatmap.lanes, "
                            + "empty: dirtypagesReport.empty})"));
            PageModel p = new PageModel();
            p.origin = ((Number) m.get("origin")).longValue();
            Map<String, Object> time = (Map<String, Object>) m.get("time");
            p.scansPerColumn = ((Number) time.get("scansPerColumn")).intValue();
            p.start = doubles((List<Object>) time.get("start"));
            p.end = doubles((List<Object>) time.get("end"));
            p.firstScan = longs((List<Object>) time.get("firstScan"));
            Map<String, Object> rows = (Map<String, Object>) m.get("rows");
            p.rowStart = longs((List<Object>) rows.get("start"));
            p.rowEnd = longs((List<Object>) rows.get("end"));
            long[] lane = longs((List<Object>) rows.get("lane"));
            p.rowLane = new int[lane.length];
            for (int i = 0; i < lane.length; i++) {
                p.rowLane[i] = (int) lane[i];
            }
            p.lanes = (List<Object>) m.get("lanes");
            p.empty = new ArrayList<>();
            for (Object o : (List<Object>) m.get("empty")) {
                p.empty.add(((Number) o).longValue());
            }
            return p;
        }

        int columns() {
            return start.length;
        }

        long epochNanos(double relativeMillis) {
            return origin * 1_000_000 + Math.round(relativeMillis * 1e6);
        }

        @SuppressWarnings("unchecked")
        boolean laneIsHeap(int lane) {
            return Boolean.TRUE.equals(((Map<String, Object>) lanes.get(lane)).get("heap"));
        }

        List<Integer> rowsOf(int lane) {
            List<Integer> out = new ArrayList<>();
            for (int r = 0; r < rowLane.length; r++) {
                if (rowLane[r] == lane) {
                    out.add(r);
                }
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> cell(Chromium chromium, int c, int r) throws Exception {
            return (Map<String, Object>) chromium.evaluate("window.dirtypagesReport.cell(" + c + "," + r + ")");
        }

        @SuppressWarnings("unchecked")
        List<Long> pixel(Chromium chromium, int c, int r) throws Exception {
            List<Long> out = new ArrayList<>();
            for (Object o : (List<Object>) chromium.evaluate("window.dirtypagesReport.pixel(" + c + "," + r + ")")) {
                out.add(((Number) o).longValue());
            }
            return out;
        }

        private static double[] doubles(List<Object> list) {
            return list.stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
        }

        private static long[] longs(List<Object> list) {
            return list.stream().mapToLong(o -> ((Number) o).longValue()).toArray();
        }
    }
}
