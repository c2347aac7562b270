package dev.dirtypages.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import dev.dirtypages.kernel.pagemap.PageRegion;
import dev.dirtypages.kernel.pagemap.RegionVisitor;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A {@link RegionVisitor} for tests: records the pages of {@code [base, limit)} it is given, as page
 * indexes relative to {@code base}, and fails at once on a region a scan must never produce (unaligned,
 * empty, outside the range, out of address order or overlapping an earlier one).
 */
public final class PageCollector implements RegionVisitor {
    private final long base;
    private final long limit;
    private final BitSet pages = new BitSet();
    private final List<PageRegion> regions = new ArrayList<>();
    private long previousEnd;
    private boolean any;

    public PageCollector(long base, long limit) {
        this.base = base;
        this.limit = limit;
    }

    @Override
    public void visit(long start, long end, long categories) {
        PageRegion region = new PageRegion(start, end, categories);
        if (!Pages.isAligned(start) || !Pages.isAligned(end) || Long.compareUnsigned(start, end) >= 0) {
            fail("unaligned or empty region " + region);
        }
        if (Long.compareUnsigned(start, base) < 0 || Long.compareUnsigned(end, limit) > 0) {
            fail(String.format("region %s outside the scanned range [0x%x, 0x%x)", region, base, limit));
        }
        if (any && Long.compareUnsigned(start, previousEnd) < 0) {
            fail(String.format("region %s out of order or overlapping the previous one (which ended at 0x%x)",
                    region, previousEnd));
        }
        any = true;
        previousEnd = end;
        regions.add(region);
        pages.set(index(start), index(end));
    }

    private int index(long address) {
        return Math.toIntExact((address - base) / Pages.SIZE);
    }

    /** The pages seen so far, as indexes from {@code base}. */
    public BitSet pages() {
        return (BitSet) pages.clone();
    }

    /** The regions seen so far, in the order given. */
    public List<PageRegion> regions() {
        return List.copyOf(regions);
    }

    /** Forgets everything seen, for the next round. */
    public void clear() {
        pages.clear();
        regions.clear();
        any = false;
    }
}
