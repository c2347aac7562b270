package dev.dirtypages.kernel.pagemap;

import static dev.dirtypages.kernel.PageSets.assertSamePages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.LastErrorException;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.PageCollector;
import dev.dirtypages.kernel.PageSets;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.mman.MmanBinding;
import dev.dirtypages.kernel.proc.Mapping;
import dev.dirtypages.kernel.proc.ProcMaps;
import dev.dirtypages.kernel.track.CollectResult;
import dev.dirtypages.kernel.track.RepairListener;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One tracked range over several VMAs: a hole (pages 20..29 unmapped), a PROT_NONE part (40..49) and
 * read-write parts with different protections on either side.
 */
@EnabledIfUserfaultfd
class ScanRangeShapesTest {
    private static final long P = Pages.SIZE;
    private static final int PAGES = 64;
    private static final BitSet HOLE = PageSets.range(20, 30);
    private static final BitSet PROT_NONE = PageSets.range(40, 50);
    private static final BitSet READ_ONLY = PageSets.range(56, 60);

    private AnonymousMapping m;
    private WriteTracker tracker;
    private PageCollector reported;

    @BeforeEach
    void mapSeveralVmasWithAHole() throws LastErrorException {
        m = TestMemory.smallPages(PAGES);
        MmanBinding.munmap(m.address() + 20 * P, 10 * P);
        m.protect(40 * P, 10 * P, MmanBinding.PROT_NONE);
        m.protect(56 * P, 4 * P, MmanBinding.PROT_READ);
        tracker = WriteTracker.open();
        tracker.track(m.address(), m.end());
        reported = new PageCollector(m.address(), m.end());
    }

    @AfterEach
    void tearDown() {
        tracker.close();
        m.close();
    }

    private BitSet collect() {
        reported.clear();
        CollectResult r = tracker.collect(m.address(), m.end(), reported, RepairListener.NONE);
        assertEquals(0, r.reregistered() + r.untrackable(), "nothing lost its registration: " + r);
        return reported.pages();
    }

    @Test
    void theRangeReallyIsSeveralVmasAroundAHole() {
        List<Mapping> vmas = ProcMaps.overlapping(ProcMaps.self(), m.address(), m.end());
        String listing = vmas.stream().map(Mapping::toString).collect(Collectors.joining("\n"));
        assertEquals(6, vmas.size(), listing); // rw [0,20) hole, rw [30,40), --- [40,50), rw [50,56), r-- [56,60), rw [60,64)
        assertTrue(vmas.stream().noneMatch(v -> v.contains(m.address() + 25 * P)), "the hole is unmapped:\n" + listing);
        assertTrue(vmas.stream().anyMatch(v -> v.reserved() && v.contains(m.address() + 45 * P)), listing);
    }

    @Test
    void reportsWritesOnEverySideOfHolesAndProtectionChangesAndNothingElse() {
        BitSet writes = PageSets.of(0, 19, 30, 39, 50, 55, 60, 63);
        TestMemory.writePages(m, writes, (byte) 1);
        TestMemory.readPages(m, READ_ONLY);
        assertSamePages(writes, collect(), "writes around the hole and the PROT_NONE part");
        assertSamePages(new BitSet(), collect(), "the next collection");
    }

    @Test
    void neverReportsTheHoleNorAnUntouchedProtNonePart() {
        TestMemory.writePages(m, PageSets.minus(PageSets.minus(PageSets.minus(PageSets.range(0, PAGES), HOLE), PROT_NONE),
                READ_ONLY), (byte) 1);
        BitSet got = collect();
        assertFalse(got.intersects(HOLE), "hole reported: " + PageSets.firstFew(got));
        assertFalse(got.intersects(PROT_NONE), "PROT_NONE pages reported: " + PageSets.firstFew(got));
        try (PagemapScanner scanner = PagemapScanner.openSelf(16)) {
            PageCollector everything = new PageCollector(m.address(), m.end());
            scanner.scan(m.address(), m.end(), ScanQuery.builder().build(), everything);
            assertFalse(everything.pages().intersects(HOLE), "a scan that filters nothing still skips the hole");
        }
    }

    @Test
    void mprotectKeepsTheRegistrationAndTheArming() {
        m.protect(40 * P, 10 * P, MmanBinding.PROT_READ | MmanBinding.PROT_WRITE);
        m.protect(56 * P, 4 * P, MmanBinding.PROT_READ | MmanBinding.PROT_WRITE);
        assertSamePages(new BitSet(), collect(), "changing the protection writes nothing");
        m.write(45 * P, (byte) 1);
        m.write(57 * P, (byte) 1);
        assertSamePages(PageSets.of(45, 57), collect(), "writes after the protection was lifted");
    }

    @Test
    void scansARangeEntirelyInsideAHoleAsEmpty() {
        try (PagemapScanner scanner = PagemapScanner.openSelf(4)) {
            for (ScanQuery query : List.of(ScanQuery.COLLECT_AND_REARM, ScanQuery.WRITTEN, ScanQuery.builder().build())) {
                ScanResult r = scanner.scan(m.address() + 20 * P, m.address() + 30 * P, query, (s, e, c) -> {
                    throw new AssertionError("a region in a hole: " + new PageRegion(s, e, c));
                });
                assertFalse(r.lostRegistration(), "a hole is not a lost registration");
                assertEquals(0, r.pages());
            }
        }
    }
}
