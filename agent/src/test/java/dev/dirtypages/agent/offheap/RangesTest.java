package dev.dirtypages.agent.offheap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RangesTest {
    private static final long P = 4096;

    @Test
    void addedRangesJoinWhereTheyOverlapOrTouch() {
        Ranges r = new Ranges();
        r.add(10 * P, 20 * P);
        r.add(30 * P, 40 * P);
        r.add(20 * P, 25 * P);
        assertEquals(2, r.size());
        assertTrue(r.contains(12 * P, 25 * P));
        assertFalse(r.contains(24 * P, 31 * P));
        r.add(25 * P, 30 * P);
        assertEquals(1, r.size());
        assertTrue(r.contains(10 * P, 40 * P));
        r.add(0, 100 * P);
        assertEquals(1, r.size());
        assertTrue(r.contains(0, 100 * P));
    }

    @Test
    void spansJoinOnlyAcrossShortGapsOfRegisteredMemory() {
        Ranges r = new Ranges();
        r.add(0, 100 * P);
        List<Span> joined = r.join(List.of(new Span(P, 2 * P), new Span(4 * P, 5 * P),
                new Span(60 * P, 61 * P), new Span(99 * P, 101 * P), new Span(103 * P, 104 * P)), 16 * P);
        assertEquals(4, joined.size());
        assertEquals(new Span(P, 5 * P), joined.get(0));       // 2 pages apart, registered: one
        assertEquals(new Span(60 * P, 61 * P), joined.get(1)); // too far
        assertEquals(new Span(99 * P, 101 * P), joined.get(2));
        assertEquals(new Span(103 * P, 104 * P), joined.get(3)); // the gap is not registered here
    }

    @Test
    void clustersGroupNearbySpans() {
        List<int[]> c = Ranges.clusters(List.of(new Span(0, P), new Span(2 * P, 3 * P),
                new Span(100 * P, 101 * P)), 10 * P);
        assertEquals(2, c.size());
        assertArrayEquals(new int[] {0, 1}, c.get(0));
        assertArrayEquals(new int[] {2, 2}, c.get(1));
    }

    @Test
    void intersectionOfTwoSpanListsIsWhatBothCover() {
        List<Span> a = List.of(new Span(0, 10 * P), new Span(20 * P, 30 * P));
        List<Span> b = List.of(new Span(5 * P, 22 * P), new Span(25 * P, 26 * P), new Span(29 * P, 40 * P));
        assertEquals(List.of(new Span(5 * P, 10 * P), new Span(20 * P, 22 * P), new Span(25 * P, 26 * P),
                new Span(29 * P, 30 * P)), Ranges.intersect(a, b));
        assertTrue(Ranges.intersect(a, List.of()).isEmpty());
    }
}
