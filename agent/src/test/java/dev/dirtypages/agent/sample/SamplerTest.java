package dev.dirtypages.agent.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dirtypages.agent.consumer.ConsumerFixture;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.TestMemory;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampler's scans on the real kernel: what they report to listeners and what they emit to JFR. */
@EnabledIfUserfaultfd
class SamplerTest {
    @TempDir
    Path dir;

    @Test
    void scansAfterTheRecordingsLastGoOnForListenersButEmitNoEvents() throws Exception {
        try (ConsumerFixture fixture = new ConsumerFixture(64); Recording recording = new Recording()) {
            Sampler sampler = fixture.sampler();
            Map<Long, BitSet> heard = new TreeMap<>();
            sampler.addListener((scanId, region, start, end) -> heard.computeIfAbsent(scanId, id -> new BitSet())
                    .set(page(fixture, start), page(fixture, end)));
            recording.enable("dirtypages.Scan");
            recording.enable("dirtypages.DirtyRange");
            recording.start();

            write(fixture, 3);
            long first = sampler.scanNow(ScanTrigger.TIMER).scanId();
            write(fixture, 5);
            long last = sampler.lastScanForRecordings(ScanTrigger.CHUNK_END).scanId();
            write(fixture, 7);
            long after = sampler.scanNow(ScanTrigger.SHUTDOWN).scanId();
            recording.stop();
            Path jfr = dir.resolve("sampler.jfr");
            recording.dump(jfr);

            assertEquals(Map.of(last, pages(5), after, pages(7)), Map.of(last, heard.get(last), after, heard.get(after)),
                    "every scan serves the listeners");
            Map<Long, BitSet> emitted = new TreeMap<>();
            Map<Long, Long> scanEvents = new TreeMap<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
                long id = e.getLong("scanId");
                if (e.getEventType().getName().equals("dirtypages.Scan")) {
                    scanEvents.put(id, e.getLong("writtenPages"));
                } else if (e.getEventType().getName().equals("dirtypages.DirtyRange")) {
                    long start = e.getLong("startAddress");
                    emitted.computeIfAbsent(id, x -> new BitSet())
                            .set(page(fixture, start), page(fixture, start + e.getLong("size")));
                }
            }
            assertEquals(Map.of(first, 1L, last, 1L), scanEvents, "Scan events: none after the recordings' last scan");
            assertEquals(Map.of(first, pages(3), last, pages(5)), emitted,
                    "DirtyRange events: none after the recordings' last scan");
        }
    }

    @Test
    void scansAfterTheRecordingsLastAreSkippedWhileNoListenerReadsThemAndLoseNothing() {
        try (ConsumerFixture fixture = new ConsumerFixture(64)) {
            Sampler sampler = fixture.sampler();
            write(fixture, 3);
            assertEquals(1, sampler.lastScanForRecordings(ScanTrigger.CHUNK_END).scanId());
            write(fixture, 5);
            assertEquals(0, sampler.scanNow(ScanTrigger.SHUTDOWN).scanId(), "skipped: nobody reads it");

            BitSet heard = new BitSet();
            sampler.addListener((scanId, region, start, end) -> heard.set(page(fixture, start), page(fixture, end)));
            ScanSummary next = sampler.scanNow(ScanTrigger.TIMER);
            assertEquals(2, next.scanId());
            assertEquals(pages(5), heard, "the page written before the skipped scan is reported by the next");
        }
    }

    /** A stretch the JVM remapped is emitted whole, beside the pages written around it, in address order. */
    @Test
    void aRemappedStretchIsEmittedWholeWithTheWritesAroundIt() throws Exception {
        try (ConsumerFixture fixture = new ConsumerFixture(64); Recording recording = new Recording()) {
            recording.enable("dirtypages.DirtyRange");
            recording.start();
            write(fixture, 3);
            fixture.memory().remapFixed(16 * 4096L, 16 * 4096L,
                    dev.dirtypages.kernel.mman.MmanBinding.PROT_READ | dev.dirtypages.kernel.mman.MmanBinding.PROT_WRITE);
            write(fixture, 20);
            write(fixture, 40);
            long id = fixture.sampler().scanNow(ScanTrigger.TIMER).scanId();
            recording.stop();
            Path jfr = dir.resolve("remap.jfr");
            recording.dump(jfr);
            BitSet emitted = new BitSet();
            for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
                if (e.getEventType().getName().equals("dirtypages.DirtyRange") && e.getLong("scanId") == id) {
                    emitted.set(page(fixture, e.getLong("startAddress")), page(fixture, e.getLong("endAddress")));
                }
            }
            BitSet expected = pages(3);
            expected.set(16, 32);
            expected.set(40);
            assertEquals(expected, emitted);
        }
    }

    private static void write(ConsumerFixture fixture, int page) {
        TestMemory.writePages(fixture.memory(), pages(page), (byte) page);
    }

    private static BitSet pages(int page) {
        BitSet set = new BitSet();
        set.set(page);
        return set;
    }

    private static int page(ConsumerFixture fixture, long address) {
        return (int) ((address - fixture.memory().address()) / 4096);
    }
}
