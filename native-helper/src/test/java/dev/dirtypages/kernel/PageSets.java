package dev.dirtypages.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import dev.dirtypages.kernel.pagemap.PageRegion;
import java.util.BitSet;
import java.util.Collection;

/** Page sets as {@link BitSet}s of page indexes from a base address, and their comparison. */
public final class PageSets {
    private PageSets() {
    }

    /** The pages of {@code regions} as indexes from {@code base}. */
    public static BitSet pagesOf(Collection<PageRegion> regions, long base) {
        BitSet out = new BitSet();
        for (PageRegion r : regions) {
            out.set(Math.toIntExact((r.start() - base) / Pages.SIZE), Math.toIntExact((r.end() - base) / Pages.SIZE));
        }
        return out;
    }

    /** The set {@code [from, to)}. */
    public static BitSet range(int from, int to) {
        BitSet out = new BitSet();
        out.set(from, to);
        return out;
    }

    /** The given page indexes. */
    public static BitSet of(int... pages) {
        BitSet out = new BitSet();
        for (int p : pages) {
            out.set(p);
        }
        return out;
    }

    public static BitSet union(BitSet a, BitSet b) {
        BitSet out = (BitSet) a.clone();
        out.or(b);
        return out;
    }

    /** {@code a} without {@code b}. */
    public static BitSet minus(BitSet a, BitSet b) {
        BitSet out = (BitSet) a.clone();
        out.andNot(b);
        return out;
    }

    /** Fails naming the missing and the unexpected pages (the first few of each) unless the sets are equal. */
    public static void assertSamePages(BitSet expected, BitSet actual, String context) {
        if (expected.equals(actual)) {
            return;
        }
        fail(context + ": " + minus(expected, actual).cardinality() + " page(s) missing " + firstFew(minus(expected, actual))
                + ", " + minus(actual, expected).cardinality() + " unexpected " + firstFew(minus(actual, expected))
                + " (expected " + expected.cardinality() + " pages, got " + actual.cardinality() + ")");
    }

    /** At most 20 members, e.g. {@code [3, 7, 9]} or {@code [3, 7, ... ]}. */
    public static String firstFew(BitSet pages) {
        StringBuilder out = new StringBuilder("[");
        int shown = 0;
        for (int p = pages.nextSetBit(0); p >= 0; p = pages.nextSetBit(p + 1)) {
            if (shown == 20) {
                out.append(", ...");
                break;
            }
            out.append(shown++ == 0 ? "" : ", ").append(p);
        }
        return out.append(']').toString();
    }
}
