package dev.dirtypages.agent.report.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.events.DirtyRangeEvent;
import dev.dirtypages.agent.events.RegionTrackedEvent;
import dev.dirtypages.agent.events.ScanEvent;
import dev.dirtypages.agent.report.model.ReportModel.RateSeries;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelReaderTest {
    private static final long HEAP = 0x10000000L;
    private static final long BLOCK = 0x7f0000000000L;

    @TempDir
    Path dir;

    /** Five scans: heap writes, a range across two rows, an off-heap block's pages, an assumed range. */
    static Path recording(Path file) throws Exception {
        try (Recording r = new Recording()) {
            r.enable("dirtypages.Scan");
            r.enable("dirtypages.DirtyRange");
            r.enable("dirtypages.RegionTracked").withStackTrace();
            r.start();
            new RegionTrackedEvent().commit("java-heap", HEAP, HEAP + (8 << 20), "registered: G1 heap, reserved range");
            new RegionTrackedEvent().commit("direct-buffer", BLOCK, BLOCK + (64 << 10), "allocated", 5);
            for (int scan = 1; scan <= 5; scan++) {
                switch (scan) {
                    case 1:
                        range(scan, HEAP, HEAP + 0x2000, "java-heap", false);
                        break;
                    case 2:
                        range(scan, HEAP + 0x1FF000, HEAP + 0x201000, "java-heap", false);
                        break;
                    case 3:
                        range(scan, BLOCK, BLOCK + 0x2000, "direct-buffer", false);
                        range(scan, 0x7e0000000000L, 0x7e0000001000L, "unsafe-memory", false);
                        break;
                    case 4:
                        range(scan, HEAP + 0x600000, HEAP + 0x604000, "java-heap", true);
                        break;
                    default:
                        break;
                }
                ScanEvent s = new ScanEvent();
                s.begin();
                s.scanId = scan;
                s.trigger = "timer";
                s.interval = 100_000_000;
                s.commit();
            }
            r.stop();
            r.dump(file);
        }
        return file;
    }

    private static void range(long scan, long start, long end, String region, boolean assumed) {
        DirtyRangeEvent e = new DirtyRangeEvent();
        e.startAddress = start;
        e.endAddress = end;
        e.size = end - start;
        e.scanId = scan;
        e.region = region;
        e.assumed = assumed;
        e.commit();
    }

    @Test
    void mergesScansIntoColumnsAndCutsTheHeapIntoRowsWithinTheBudgets() throws Exception {
        ReportModel model = new ModelReader(2, 4, 24).read(recording(dir.resolve("r.jfr")));
        TimeAxis time = model.time();
        assertEquals(5, time.scanCount());
        assertEquals(3, time.scansPerColumn());
        assertEquals(2, time.columns());
        assertEquals(3, time.scans()[0]);
        assertEquals(2, time.scans()[1]);
        assertEquals(4, time.firstScanId()[1]);
        Heatmap h = model.heatmap();
        assertEquals("Java heap", h.lanes().get(0).name());
        assertEquals(4, h.lanes().get(0).rowCount(), "8 MiB in at most 4 rows: 2 MiB each");
        assertEquals(new Heatmap.Row(0, HEAP + (2 << 20), HEAP + (4 << 20), 512), h.rows().get(1));
        assertTrue(h.rowDescription().contains("fixed buckets"), h.rowDescription());
    }

    @Test
    void addsEachRangesPagesToTheCellsItCovers() throws Exception {
        ReportModel model = new ModelReader(2, 4, 24).read(recording(dir.resolve("r.jfr")));
        Heatmap h = model.heatmap();
        // column 0 holds scans 1-3: 2 pages in row 0, then a range across rows 0 and 1
        assertEquals(3, h.measured()[h.index(0, 0)]);
        assertEquals(1, h.measured()[h.index(0, 1)]);
        assertEquals(0, h.measured()[h.index(0, 2)]);
        // column 1 holds scans 4-5: 4 pages assumed in row 3, none measured
        assertEquals(0, h.measured()[h.index(1, 3)]);
        assertEquals(4, h.assumed()[h.index(1, 3)]);
        assertEquals("unknown", h.reasons().get(h.reason()[h.index(1, 3)]), "a recording without assumedReason");
        assertEquals("java-heap", h.kinds().get(h.kind()[h.index(1, 3)]));
    }

    @Test
    void givesAnOffHeapBlockALaneOfItsOwnCutIntoRows() throws Exception {
        ReportModel model = new ModelReader(2, 4, 24).read(recording(dir.resolve("r.jfr")));
        Heatmap h = model.heatmap();
        Heatmap.Lane lane = h.lanes().get(1);
        assertEquals("direct-buffer #5", lane.name());
        assertEquals(8, lane.rowCount(), "16 pages in 8 rows of 2");
        int first = lane.firstRow();
        assertEquals(2, h.measured()[h.index(0, first)], "scan 3 wrote the block's first 2 pages");
        assertEquals(0, h.measured()[h.index(0, first + 1)]);
        assertEquals("direct-buffer", h.kinds().get(h.kind()[h.index(0, first)]));
        assertTrue(model.notes().stream().anyMatch(n -> n.contains("outside the heap and the tracked blocks")),
                model.notes().toString());
    }

    @Test
    void ratesSplitKindsAndMeasuredFromAssumed() throws Exception {
        ReportModel model = new ModelReader(2, 4, 24).read(recording(dir.resolve("r.jfr")));
        List<String> names = model.rates().stream().map(s -> s.kind() + (s.assumed() ? "/assumed" : "")).toList();
        assertEquals(List.of("java-heap", "java-heap/assumed", "direct-buffer", "unsafe-memory"), names);
        RateSeries assumed = model.rates().get(1);
        assertEquals(0, assumed.mibPerSecond()[0]);
        assertTrue(assumed.mibPerSecond()[1] > 0);
        assertTrue(model.summary().startsWith("dirtypages summary of"), model.summary());
    }

    @Test
    void aRecordingWithoutDirtypagesEventsIsUnusable() throws Exception {
        Path file = dir.resolve("empty.jfr");
        try (Recording r = new Recording()) {
            r.start();
            r.stop();
            r.dump(file);
        }
        UnusableRecordingException e = org.junit.jupiter.api.Assertions.assertThrows(UnusableRecordingException.class,
                () -> new ModelReader().read(file));
        assertTrue(e.getMessage().contains("has no dirtypages events"), e.getMessage());
    }

    @Test
    void readsMemoryKindsAssumedReasonsAndGcScansWhereTheRecordingHasThem() throws Exception {
        Path file = dir.resolve("kinds.jfr");
        try (Recording r = new Recording()) {
            r.enable("dirtypages.Scan");
            r.enable("dirtypages.DirtyRange");
            r.enable("dirtypages.MemoryKindWrites");
            r.enable("dirtypages.RegionTracked");
            r.start();
            new RegionTrackedEvent().commit("java-heap", HEAP, HEAP + (8 << 20), "registered: G1 heap, reserved range");
            for (int scan = 1; scan <= 2; scan++) {
                FutureFieldsEvents.Range eden = new FutureFieldsEvents.Range();
                eden.startAddress = HEAP;
                eden.endAddress = HEAP + 0x3000;
                eden.scanId = scan;
                eden.region = "java-heap";
                eden.memoryKind = "eden";
                eden.assumedReason = "";
                eden.commit();
                FutureFieldsEvents.Range young = new FutureFieldsEvents.Range();
                young.startAddress = HEAP + (4 << 20);
                young.endAddress = HEAP + (4 << 20) + 0x5000;
                young.scanId = scan;
                young.region = "java-heap";
                young.assumed = true;
                young.memoryKind = "old";
                young.assumedReason = "young";
                young.commit();
                FutureFieldsEvents.KindWrites kw = new FutureFieldsEvents.KindWrites();
                kw.scanId = scan;
                kw.memoryKind = "eden";
                kw.writtenBytes = 0x3000;
                kw.commit();
                FutureFieldsEvents.Scan s = new FutureFieldsEvents.Scan();
                s.scanId = scan;
                s.trigger = scan == 1 ? "gc-start" : "gc-end";
                s.gcId = 41;
                s.interval = 1_000_000;
                s.commit();
            }
            r.stop();
            r.dump(file);
        }
        ReportModel model = new ModelReader(10, 8, 24).read(file);
        Heatmap h = model.heatmap();
        assertEquals("eden", h.kinds().get(h.kind()[h.index(0, 0)]));
        assertEquals(3, h.measured()[h.index(0, 0)]);
        int oldRow = 4;
        assertEquals("old", h.kinds().get(h.kind()[h.index(1, oldRow)]));
        assertEquals(5, h.assumed()[h.index(1, oldRow)]);
        assertEquals("young", h.reasons().get(h.reason()[h.index(1, oldRow)]));
        // heap rates from MemoryKindWrites, which say nothing of old here
        List<String> names = model.rates().stream().map(s -> s.kind() + (s.assumed() ? "/assumed" : "")).toList();
        assertEquals(List.of("eden"), names);
        assertEquals(List.of("gc-start", "gc-end"), model.gcScans().stream().map(ReportModel.GcScan::trigger).toList());
        assertEquals(41, model.gcScans().get(1).gcId());
    }
}
