package dev.dirtypages.agent.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RangeSetTest {
    @Test
    void overlappingAndTouchingRangesAreJoined() {
        RangeSet set = new RangeSet(100);
        set.add(0x1000, 0x2000);
        set.add(0x3000, 0x4000);
        set.add(0x2000, 0x3000);                  // touches both: one range
        set.add(0x8000, 0x9000);
        set.add(0x8800, 0xa000);                  // overlaps
        set.add(0x8000, 0x8400);                  // inside
        assertArrayEquals(new long[] {0x1000, 0x4000, 0x8000, 0xa000}, set.toArray());
        assertEquals(0, set.coarsenedBytes());
        assertEquals(0x3000 + 0x2000, set.bytes());
    }

    @Test
    void overTheBoundTheClosestRangesAreJoinedAndTheGapsCounted() {
        RangeSet set = new RangeSet(2);
        set.add(0x0000, 0x1000);
        set.add(0x2000, 0x3000);                  // gap 0x1000
        set.add(0x9000, 0xa000);                  // gap 0x6000
        set.add(0xb000, 0xc000);                  // gap 0x1000
        set.compact();
        assertArrayEquals(new long[] {0x0000, 0x3000, 0x9000, 0xc000}, set.toArray());
        assertEquals(0x2000, set.coarsenedBytes());
        set.clear();
        assertEquals(0, set.size());
        assertEquals(0, set.coarsenedBytes());
    }

    @Test
    void betweenCompactionsTheSetHoldsAtMostTwiceItsBound() {
        RangeSet set = new RangeSet(10);
        for (int i = 0; i < 1000; i++) {
            set.add(i * 0x2000L, i * 0x2000L + 0x1000);
            assertTrue(set.size() <= 20, "size " + set.size());
        }
        set.compact();
        assertEquals(10, set.size());
    }

    /** Whatever is added and however tight the bound, every page added is still covered. */
    @Test
    void noAddressIsEverLost() {
        Random random = new Random(7);
        for (int limit : new int[] {1, 3, 17, 1000}) {
            RangeSet set = new RangeSet(limit);
            BitSet added = new BitSet();
            for (int i = 0; i < 5000; i++) {
                int page = random.nextInt(20_000);
                int pages = 1 + random.nextInt(4);
                set.add(page * 4096L, (page + pages) * 4096L);
                added.set(page, page + pages);
                if (i % 97 == 0) {
                    set.compact();
                }
            }
            set.compact();
            assertTrue(set.size() <= limit);
            BitSet covered = new BitSet();
            long[] ranges = set.toArray();
            for (int i = 0; i < ranges.length; i += 2) {
                assertTrue(i == 0 || ranges[i] > ranges[i - 1], "ranges ascend and do not touch");
                covered.set((int) (ranges[i] / 4096), (int) (ranges[i + 1] / 4096));
            }
            BitSet missing = (BitSet) added.clone();
            missing.andNot(covered);
            assertTrue(missing.isEmpty(), "limit " + limit + ": pages lost " + missing);
            BitSet extra = (BitSet) covered.clone();
            extra.andNot(added);
            assertTrue(extra.cardinality() * 4096L <= set.coarsenedBytes(),
                    "limit " + limit + ": the coarsened bytes bound the pages never added");
        }
    }
}
