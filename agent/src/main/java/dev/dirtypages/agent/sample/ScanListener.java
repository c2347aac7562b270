package dev.dirtypages.agent.sample;

import dev.dirtypages.agent.track.TrackedRegion;

/**
 * Sees every written range of every scan, in address order per region, besides the JFR events: for
 * in-process consumers and tests. Called on the scanning thread with the scan lock held: keep it short.
 */
public interface ScanListener {
    void written(long scanId, TrackedRegion region, long start, long end);

    /** The scan {@code scanId} is complete. */
    default void scanCompleted(long scanId, ScanSummary summary) {
    }
}
