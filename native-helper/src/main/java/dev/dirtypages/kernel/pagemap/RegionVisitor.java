package dev.dirtypages.kernel.pagemap;

/**
 * Receives the regions a scan finds, in ascending address order, without an object per region: the
 * scan loop's zero-copy path.
 */
@FunctionalInterface
public interface RegionVisitor {
    /** {@code [start, end)}, page-aligned, all of whose pages have {@code categories} (limited by the return mask). */
    void visit(long start, long end, long categories);

    /** A visitor that ignores what it is given: arming without reading. */
    RegionVisitor IGNORE = (start, end, categories) -> { };
}
