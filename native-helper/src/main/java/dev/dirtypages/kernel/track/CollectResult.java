package dev.dirtypages.kernel.track;

/**
 * What one {@link WriteTracker#collect} found.
 *
 * @param regions       written regions passed on
 * @param pages         written pages in them
 * @param ioctls        PAGEMAP_SCAN calls made
 * @param reregistered  stretches that had lost their registration and were registered again
 * @param untrackable   stretches that could not be registered again (skipped)
 */
public record CollectResult(long regions, long pages, int ioctls, int reregistered, int untrackable) {
    public static final CollectResult EMPTY = new CollectResult(0, 0, 0, 0, 0);
}
