package dev.dirtypages.kernel.pagemap;

import dev.dirtypages.kernel.Pages;

/** One region a scan reported, as a value (the convenience path; the hot path uses {@link RegionVisitor}). */
public record PageRegion(long start, long end, long categories) {
    public long pages() {
        return Pages.count(start, end);
    }

    public long bytes() {
        return end - start;
    }

    public boolean has(long category) {
        return (categories & category) == category;
    }

    @Override
    public String toString() {
        return String.format("[0x%x, 0x%x) %s", start, end, PagemapBinding.categoryNames(categories));
    }
}
