package dev.dirtypages.agent.gcepoch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dirtypages.agent.collector.KindedSpan;
import dev.dirtypages.agent.collector.MemoryKind;
import dev.dirtypages.kernel.AddressRange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the pauses scan and how their pages split by kind, on fixed spans (addresses in pages). */
class MemoryKindSplitTest {
    private static final long P = 4096;
    /** G1-like: eden, two old regions side by side, a free one, a humongous one, survivor. */
    private static final List<KindedSpan> SPANS = List.of(
            span(0, 10, MemoryKind.EDEN, false),
            span(10, 20, MemoryKind.OLD, true),
            span(20, 30, MemoryKind.OLD, true),
            span(30, 40, MemoryKind.FREE, false),
            span(40, 50, MemoryKind.HUMONGOUS, true),
            span(50, 60, MemoryKind.SURVIVOR, false));

    @Test
    void thePausesScanTheMeasuredSpansJoinedAndLeaveTheUnarmedOnesOut() {
        assertEquals(List.of(range(10, 30), range(40, 50)), MemoryKindSplit.pauseRanges(SPANS, 1024));
        assertEquals(30 * P, MemoryKindSplit.unscannedBytes(SPANS));
    }

    @Test
    void beyondTheMostRangesTheSmallestGapsAreScannedToo() {
        List<KindedSpan> spans = List.of(span(0, 1, MemoryKind.OLD, true), span(5, 6, MemoryKind.OLD, true),
                span(7, 8, MemoryKind.OLD, true), span(20, 21, MemoryKind.OLD, true));
        assertEquals(List.of(range(0, 1), range(5, 8), range(20, 21)), MemoryKindSplit.pauseRanges(spans, 3));
        assertEquals(List.of(range(0, 8), range(20, 21)), MemoryKindSplit.pauseRanges(spans, 2));
        assertEquals(List.of(range(0, 21)), MemoryKindSplit.pauseRanges(spans, 1));
    }

    @Test
    void writtenPagesCountUnderTheKindOfTheSpanTheyLieIn() {
        long[] written = {12 * P, 25 * P, 29 * P, 31 * P, 45 * P, 46 * P};
        // 13 old pages (12-25), 1 old + 1 free (29-31), 1 humongous
        assertEquals(Map.of("old", 14L, "free", 1L, "humongous", 1L), MemoryKindSplit.pagesByKind(written, SPANS));
    }

    @Test
    void pagesOutsideEverySpanCountAsHeap() {
        assertEquals(Map.of("heap", 2L, "survivor", 1L),
                MemoryKindSplit.pagesByKind(new long[] {59 * P, 62 * P}, SPANS));
        assertEquals(Map.of("heap", 3L), MemoryKindSplit.pagesByKind(new long[] {0, 3 * P}, List.of()));
    }

    private static KindedSpan span(long from, long to, MemoryKind kind, boolean measured) {
        return new KindedSpan(from * P, to * P, kind, measured);
    }

    private static AddressRange range(long from, long to) {
        return new AddressRange(from * P, to * P);
    }
}
