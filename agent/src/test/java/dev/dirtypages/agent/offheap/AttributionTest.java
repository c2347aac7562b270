package dev.dirtypages.agent.offheap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dirtypages.agent.offheap.Attribution.BlockCount;
import dev.dirtypages.agent.offheap.Attribution.BlockPages;
import dev.dirtypages.agent.offheap.Attribution.Piece;
import dev.dirtypages.agent.options.RegionKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pages, not bytes: which written pages belong to which blocks, and under which names. */
class AttributionTest {
    private static final long P = 4096;
    private static final int DIRECT = Attribution.bit(RegionKind.DIRECT);
    private static final int UNSAFE = Attribution.bit(RegionKind.UNSAFE);

    private static Block block(long id, RegionKind kind, long start, long end) {
        return new Block(id, kind, start, end);
    }

    private static long[] pages(long... startEndPages) {
        long[] out = new long[startEndPages.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = startEndPages[i] * P;
        }
        return out;
    }

    @Test
    void aPageTwoBlocksShareIsReportedOnceUnderBothKindsAndCountedForEach() {
        // direct [1.5, 3.5) pages, unsafe [3.5, 6) pages: page 3 is shared.
        Block a = block(1, RegionKind.DIRECT, P + P / 2, 3 * P + P / 2);
        Block b = block(2, RegionKind.UNSAFE, 3 * P + P / 2, 6 * P);
        long[] written = pages(2, 5);          // pages 2, 3, 4
        List<Piece> pieces = new ArrayList<>();
        List<BlockPages> perBlock = new ArrayList<>();
        Attribution.attribute(List.of(a, b), written, 1, pieces, perBlock);

        assertEquals(List.of(new Piece(2 * P, 3 * P, DIRECT), new Piece(3 * P, 4 * P, DIRECT | UNSAFE),
                new Piece(4 * P, 5 * P, UNSAFE)), Attribution.cover(pieces));
        List<BlockCount> counts = Attribution.countPerBlock(perBlock);
        assertEquals(2, counts.size());
        assertEquals(2, counts.get(0).pages());
        assertEquals(2, counts.get(1).pages());
        assertEquals("direct-buffer+unsafe-memory", Attribution.label(DIRECT | UNSAFE));
    }

    @Test
    void armedSpansJoinBlocksWhosePagesOverlapOrTouchNamedByTheirKindsAndNumberedByTheLastArmed() {
        Block a = armed(block(1, RegionKind.DIRECT, P + P / 2, 3 * P + P / 2), 1);      // pages [1, 4)
        Block b = armed(block(2, RegionKind.UNSAFE, 3 * P + P / 2, 6 * P), 3);          // pages [3, 6): shares page 3
        Block c = armed(block(3, RegionKind.DIRECT, 10 * P, 11 * P), 2);                // pages [10, 11)
        Block d = armed(block(4, RegionKind.DIRECT, 11 * P, 11 * P + 10), 5);           // page 11: touches c
        Block e = armed(block(5, RegionKind.DIRECT, 13 * P, 14 * P), 4);                // alone
        assertEquals(List.of(new ArmedSpan(P, 6 * P, "direct-buffer+unsafe-memory", 3),
                        new ArmedSpan(10 * P, 12 * P, "direct-buffer", 5),
                        new ArmedSpan(13 * P, 14 * P, "direct-buffer", 4)),
                Attribution.armedSpans(List.of(a, b, c, d, e)));
        assertEquals(List.of(), Attribution.armedSpans(List.of()));
    }

    private static Block armed(Block b, long armingNumber) {
        b.armingNumber = armingNumber;
        return b;
    }

    @Test
    void pagesNoBlockOverlapsAreNotReported() {
        Block a = block(1, RegionKind.DIRECT, 10 * P, 12 * P);
        long[] written = pages(0, 9, 11, 20, 30, 31);
        List<Piece> pieces = new ArrayList<>();
        List<BlockPages> perBlock = new ArrayList<>();
        Attribution.attribute(List.of(a), written, 3, pieces, perBlock);
        assertEquals(List.of(new Piece(11 * P, 12 * P, DIRECT)), pieces);
        assertEquals(1, Attribution.countPerBlock(perBlock).get(0).pages());
    }

    @Test
    void aBlockOfOneByteOwnsItsPage() {
        Block a = block(1, RegionKind.UNSAFE, 7 * P + 100, 7 * P + 101);
        List<Piece> pieces = new ArrayList<>();
        List<BlockPages> perBlock = new ArrayList<>();
        Attribution.attribute(List.of(a), pages(0, 100), 1, pieces, perBlock);
        assertEquals(List.of(new Piece(7 * P, 8 * P, UNSAFE)), pieces);
    }

    @Test
    void eachPageCountsOncePerBlockWhateverReportedItTwice() {
        Block a = block(1, RegionKind.DIRECT, 0, 10 * P);
        List<BlockPages> perBlock = List.of(new BlockPages(a, 0, 4 * P), new BlockPages(a, 2 * P, 6 * P),
                new BlockPages(a, 8 * P, 9 * P));
        assertEquals(7, Attribution.countPerBlock(perBlock).get(0).pages());
    }

    @Test
    void theHeaviestBlockComesFirst() {
        Block light = block(1, RegionKind.DIRECT, 0, 10 * P);
        Block heavy = block(2, RegionKind.DIRECT, 20 * P, 30 * P);
        List<BlockCount> counts = Attribution.countPerBlock(List.of(new BlockPages(light, 0, P),
                new BlockPages(heavy, 20 * P, 25 * P)));
        assertEquals(2, counts.get(0).block().id);
        assertEquals(5, counts.get(0).pages());
    }

    @Test
    void coverJoinsNeighboursOfTheSameKindsAndKeepsDisjointOrder() {
        List<Piece> in = List.of(new Piece(5 * P, 8 * P, UNSAFE), new Piece(0, 2 * P, DIRECT),
                new Piece(2 * P, 4 * P, DIRECT), new Piece(6 * P, 7 * P, DIRECT));
        assertEquals(List.of(new Piece(0, 4 * P, DIRECT), new Piece(5 * P, 6 * P, UNSAFE),
                new Piece(6 * P, 7 * P, DIRECT | UNSAFE), new Piece(7 * P, 8 * P, UNSAFE)), Attribution.cover(in));
    }

    @Test
    void mergeJoinsTwoSortedSpanListsWhereTheyOverlapOrTouch() {
        List<Span> merged = Attribution.merge(List.of(new Span(0, P), new Span(5 * P, 6 * P)),
                List.of(new Span(P, 2 * P), new Span(4 * P, 5 * P + 1), new Span(9 * P, 10 * P)));
        assertEquals(List.of(new Span(0, 2 * P), new Span(4 * P, 6 * P), new Span(9 * P, 10 * P)), merged);
    }

    @Test
    void spansJoinBlocksThatShareOrTouchPages() {
        List<Block> blocks = List.of(block(1, RegionKind.DIRECT, 100, 200), block(2, RegionKind.DIRECT, 300, P + 5),
                block(3, RegionKind.DIRECT, 2 * P, 3 * P), block(4, RegionKind.DIRECT, 5 * P, 6 * P));
        assertEquals(List.of(new Span(0, 3 * P), new Span(5 * P, 6 * P)), Attribution.spans(blocks));
    }

    @Test
    void writtenPagesNoBlockOverlapsAreTheOnesLeftUncovered() {
        Block a = block(1, RegionKind.DIRECT, 2 * P, 4 * P);            // pages [2, 4)
        Block b = block(2, RegionKind.UNSAFE, 6 * P + 10, 7 * P);       // page 6
        List<Span> out = new ArrayList<>();
        Attribution.uncovered(List.of(a, b), pages(0, 3, 5, 8, 9, 10), 3, out);
        assertEquals(List.of(new Span(0, 2 * P), new Span(5 * P, 6 * P), new Span(7 * P, 8 * P), new Span(9 * P, 10 * P)),
                out);
    }

    @Test
    void subtractingMeasuredPiecesLeavesTheRestWithTheirKinds() {
        List<Piece> assumed = List.of(new Piece(0, 10 * P, DIRECT), new Piece(12 * P, 14 * P, UNSAFE));
        List<Piece> measured = List.of(new Piece(2 * P, 3 * P, UNSAFE), new Piece(5 * P, 13 * P, DIRECT));
        assertEquals(List.of(new Piece(0, 2 * P, DIRECT), new Piece(3 * P, 5 * P, DIRECT),
                new Piece(13 * P, 14 * P, UNSAFE)), Attribution.subtract(assumed, measured));
        assertEquals(assumed, Attribution.subtract(assumed, List.of()));
    }
}
