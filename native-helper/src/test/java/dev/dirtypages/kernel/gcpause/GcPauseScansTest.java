package dev.dirtypages.kernel.gcpause;

import dev.dirtypages.kernel.AddressRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.PageCollector;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.track.RepairListener;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The GC-pause library in this (test) JVM, loaded in the live phase as an attached agent would load it: pages
 * written before a collection are reported by the scan at the pause's start, re-armed there, and never again.
 */
@EnabledIfUserfaultfd
class GcPauseScansTest {
    private static final long P = Pages.SIZE;
    private GcPauseScans scans;

    @AfterEach
    void stop() {
        if (scans != null) {
            scans.stop();
        }
    }

    @Test
    void loadsInTheLivePhaseWithTheGcCapability() {
        GcPauseLibrary.Result result = GcPauseLibrary.load();
        assertTrue(result.ok(), result.problem());
    }

    @Test
    void theStartScanReportsWhatWasWrittenBeforeThePauseAndReArmsIt() {
        try (AnonymousMapping m = TestMemory.smallPages(64); WriteTracker tracker = WriteTracker.open()) {
            tracker.track(m.address(), m.end());
            scans = GcPauseScans.start(16, 1024, 64, List.of(new AddressRange(m.address(), m.end())));
            BitSet written = pages(1, 5, 9, 10, 63);
            TestMemory.writePages(m, written, (byte) 7);

            System.gc();   // returns once the collection, and so its pause's end scan, is over
            List<PauseScan> drained = scans.drain().scans();

            PauseScan start = first(drained, PauseScan.Kind.START);
            PauseScan end = first(drained, PauseScan.Kind.END);
            assertEquals(start.pause(), end.pause());
            assertEquals(written, pagesOf(start, m), "the start scan: the mutator's writes");
            assertEquals(new BitSet(), pagesOf(end, m), "the end scan: nothing wrote the mapping during the pause");
            assertFalse(start.truncated());
            assertEquals(0, start.errno());
            assertTrue(start.beginNanos() <= start.endNanos() && start.endNanos() <= end.beginNanos());

            TestMemory.writePages(m, pages(2), (byte) 7);
            assertEquals(pages(2), collect(tracker, m), "pages reported in the pause were re-armed there");
        }
    }

    @Test
    void aFullBufferStopsTheScanAndLeavesTheRestWrittenForTheNextScan() {
        try (AnonymousMapping m = TestMemory.smallPages(64); WriteTracker tracker = WriteTracker.open()) {
            tracker.track(m.address(), m.end());
            scans = GcPauseScans.start(16, 2, 64, List.of(new AddressRange(m.address(), m.end())));
            TestMemory.writePages(m, pages(1, 3, 5, 7, 9), (byte) 7);

            System.gc();
            PauseScan start = first(scans.drain().scans(), PauseScan.Kind.START);

            assertTrue(start.truncated());
            assertEquals(pages(1, 3), pagesOf(start, m));
            assertEquals(pages(5, 7, 9), collect(tracker, m), "what the full buffer left is reported next, not lost");
        }
    }

    @Test
    void heldPausesScanNothingAndLeaveEveryPageWritten() {
        try (AnonymousMapping m = TestMemory.smallPages(64); WriteTracker tracker = WriteTracker.open()) {
            tracker.track(m.address(), m.end());
            scans = GcPauseScans.start(16, 1024, 64, List.of(new AddressRange(m.address(), m.end())));
            scans.held(true);
            TestMemory.writePages(m, pages(4, 8), (byte) 7);

            System.gc();
            PauseScan start = first(scans.drain().scans(), PauseScan.Kind.START);

            assertTrue(start.held());
            assertEquals(0, start.ranges().length);
            assertEquals(pages(4, 8), collect(tracker, m));
        }
    }

    private static PauseScan first(List<PauseScan> drained, PauseScan.Kind kind) {
        return drained.stream().filter(s -> s.kind() == kind).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " scan in " + drained));
    }

    private static BitSet pagesOf(PauseScan scan, AnonymousMapping m) {
        PageCollector got = new PageCollector(m.address(), m.end());
        scan.visit(got);
        return got.pages();
    }

    private static BitSet collect(WriteTracker tracker, AnonymousMapping m) {
        PageCollector got = new PageCollector(m.address(), m.end());
        tracker.collect(m.address(), m.end(), got, RepairListener.NONE);
        return got.pages();
    }

    private static BitSet pages(int... indices) {
        BitSet set = new BitSet();
        for (int i : indices) {
            set.set(i);
        }
        return set;
    }
}
