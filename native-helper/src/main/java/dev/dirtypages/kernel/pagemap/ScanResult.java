package dev.dirtypages.kernel.pagemap;

/**
 * What one {@link PagemapScanner#scan} call covered.
 *
 * @param regions       regions passed to the visitor (after merging neighbours split by the kernel's buffer)
 * @param pages         pages in those regions
 * @param ioctls        PAGEMAP_SCAN calls it took
 * @param walkEnd       where the scan stopped: the range's end unless the page limit or an unregistered VMA stopped it
 * @param hitPageLimit  the query's {@code maxPages} was reached; resume from {@code walkEnd}
 * @param lostRegistration a VMA in the range is not registered in write-protect-async mode (EPERM with
 *                      {@code PM_SCAN_CHECK_WPASYNC}); the regions before it were reported, nothing after it
 */
public record ScanResult(long regions, long pages, int ioctls, long walkEnd, boolean hitPageLimit,
                         boolean lostRegistration) {
}
