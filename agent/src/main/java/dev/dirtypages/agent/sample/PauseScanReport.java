package dev.dirtypages.agent.sample;

import dev.dirtypages.kernel.gcpause.PauseScan;

/**
 * A scan made inside a GC pause, taken in by the sampler: its written pages went to the listeners at once, its
 * events wait for the pause's {@code gcId} ({@link Sampler#emitPauseScan}).
 *
 * @param scanId         its id among all scans, given when it was taken in
 * @param scan           what the pause scanned
 * @param intervalNanos  the time since the previous scan
 * @param trackedBytes   bytes tracked when it was taken in
 */
public record PauseScanReport(long scanId, PauseScan scan, long intervalNanos, long trackedBytes) {
}
