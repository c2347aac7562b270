package dev.dirtypages.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.events.BlockWritesEvent;
import dev.dirtypages.agent.events.DirtyRangeEvent;
import dev.dirtypages.agent.events.GcWritesEvent;
import dev.dirtypages.agent.events.RegionTrackedEvent;
import dev.dirtypages.agent.events.RegionUntrackedEvent;
import dev.dirtypages.agent.events.ScanEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingSummaryTest {
    @TempDir
    Path dir;

    @Test
    void summarisesScansRangesAndRegionsOfARecording() throws Exception {
        Path file = dir.resolve("r.jfr");
        try (Recording r = new Recording()) {
            r.enable("dirtypages.Scan");
            r.enable("dirtypages.DirtyRange");
            r.enable("dirtypages.RegionTracked");
            r.start();
            RegionTrackedEvent tracked = new RegionTrackedEvent();
            tracked.startAddress = 0x100000;
            tracked.endAddress = 0x500000;
            tracked.size = 0x400000;
            tracked.kind = "java-heap";
            tracked.reason = "registered: G1 heap, reserved range";
            tracked.commit();
            for (int scan = 1; scan <= 3; scan++) {
                // page 0x100000 is written in every scan, the others once each
                range(scan, 0x100000, 0x101000);
                range(scan, 0x200000 + scan * 0x1000L, 0x201000 + scan * 0x1000L);
                ScanEvent s = new ScanEvent();
                s.scanId = scan;
                s.trigger = "timer";
                s.interval = 100_000_000;
                s.writtenPages = 2;
                s.writtenBytes = 8192;
                s.trackedBytes = 0x400000;
                s.rangesFound = 2;
                s.commit();
            }
            r.stop();
            r.dump(file);
        }
        RecordingSummary summary = RecordingSummary.read(file);
        assertEquals(3, summary.scanCount());
        assertEquals(6, summary.dirtyRangeCount());
        assertEquals(4, summary.distinctPages());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        summary.print(file, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("scans           3 {timer=3}"), text);
        assertTrue(text.contains("java-heap [0x100000, 0x500000) 4.0 MiB, registered: G1 heap"), text);
        assertTrue(text.contains("4 distinct pages (16.0 KiB), 1 written in every scan"), text);
        assertTrue(text.contains("24.0 KiB in all"), text);
    }

    @Test
    void namesTheHeaviestOffHeapBlocksAndWhereTheyWereAllocated() throws Exception {
        Path file = dir.resolve("blocks.jfr");
        try (Recording r = new Recording()) {
            r.enable("dirtypages.Scan");
            r.enable("dirtypages.BlockWrites");
            r.enable("dirtypages.RegionTracked").withStackTrace();
            r.enable("dirtypages.RegionUntracked");
            r.start();
            allocatedHere(7, 0x7f0000001010L);
            allocatedThere(8, 0x7f0000100010L);
            new RegionUntrackedEvent().commit("direct-buffer", 0x7f0000001010L, 0x7f0000101010L, "freed", 7);
            for (int scan = 1; scan <= 2; scan++) {
                blockWrites(scan, 8, 5);
                blockWrites(scan, 7, scan);
                ScanEvent s = new ScanEvent();
                s.scanId = scan;
                s.trigger = "timer";
                s.commit();
            }
            r.stop();
            r.dump(file);
        }
        RecordingSummary summary = RecordingSummary.read(file);
        assertEquals(List.of(Map.entry(8L, 10L), Map.entry(7L, 3L)), summary.blockTotals());
        assertTrue(summary.siteTotals().get(0).getKey().endsWith("RecordingSummaryTest.allocatedThere:" + THERE_LINE),
                summary.siteTotals().toString());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        summary.print(file, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("direct-buffer: 1 blocks allocated, 1 freed"), text);
        assertTrue(text.contains("unsafe-memory: 1 blocks allocated, 0 freed"), text);
        assertTrue(text.contains("#8      unsafe-memory"), text);
        assertTrue(text.contains("10 pages in 2 scans, allocated at dev.dirtypages.agent.report.RecordingSummaryTest"
                + ".allocatedThere"), text);
    }

    private static final int THERE_LINE = 117;

    private static void allocatedHere(long id, long start) {
        new RegionTrackedEvent().commit("direct-buffer", start, start + (1 << 20), "allocated", id);
    }

    private static void allocatedThere(long id, long start) {
        new RegionTrackedEvent().commit("unsafe-memory", start, start + 4096, "allocated", id); // THERE_LINE
    }

    private static void blockWrites(long scan, long id, long pages) {
        BlockWritesEvent e = new BlockWritesEvent();
        e.scanId = scan;
        e.blockId = id;
        e.kind = id == 7 ? "direct-buffer" : "unsafe-memory";
        e.writtenPages = pages;
        e.writtenBytes = pages * 4096;
        e.commit();
    }

    @Test
    void saysSoWhenARecordingHasNoDirtypagesEvents() throws Exception {
        Path file = dir.resolve("empty.jfr");
        try (Recording r = new Recording()) {
            r.start();
            r.stop();
            r.dump(file);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RecordingSummary.read(file).print(file, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("no dirtypages events"));
    }

    private static void range(long scan, long start, long end) {
        DirtyRangeEvent e = new DirtyRangeEvent();
        e.startAddress = start;
        e.endAddress = end;
        e.size = end - start;
        e.scanId = scan;
        e.region = "java-heap";
        e.commit();
    }

    @Test
    void listsEachCollectionsMutatorAndCollectorPagesAndTheTotals() throws Exception {
        Path file = dir.resolve("gc.jfr");
        try (Recording r = new Recording()) {
            r.enable("dirtypages.Scan");
            r.enable("dirtypages.GcWrites");
            r.start();
            for (int gc = 1; gc <= 3; gc++) {
                for (String trigger : List.of("gc-start", "gc-end")) {
                    ScanEvent s = new ScanEvent();
                    s.scanId = 2L * gc - (trigger.equals("gc-start") ? 1 : 0);
                    s.trigger = trigger;
                    s.gcId = 10 + gc;
                    s.commit();
                }
                GcWritesEvent w = new GcWritesEvent();
                w.gcId = gc == 3 ? 0 : 10 + gc;
                w.pauseName = gc == 3 ? "" : "Pause Young (Normal) (G1 Evacuation Pause)";
                w.startScanId = 2L * gc - 1;
                w.endScanId = 2L * gc;
                w.mutatorPages = 100 * gc;
                w.collectorPages = 10 * gc;
                w.startScanTime = 200_000;
                w.endScanTime = 100_000;
                w.truncated = gc == 2;
                w.commit();
            }
            r.stop();
            r.dump(file);
        }
        RecordingSummary summary = RecordingSummary.read(file);
        assertEquals(3, summary.gcEpochs().size());
        assertEquals(200, summary.gcEpochs().get(1).mutatorPages());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        summary.print(file, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("GC epochs       3 pauses scanned (2 joined to their jdk.GarbageCollection): "
                + "mutator 600 pages (2.3 MiB), collector 60 pages (240.0 KiB) in all"), text);
        assertTrue(text.contains("1 not split exactly"), text);
        assertTrue(text.contains("gcId 12     Pause Young (Normal) (G1 Evacuation Pause)"), text);
        assertTrue(text.contains("(not joined)"), text);
        assertTrue(text.contains("scans           6 {gc-end=3, gc-start=3}"), text);
    }
}
