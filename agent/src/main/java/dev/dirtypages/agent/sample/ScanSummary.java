package dev.dirtypages.agent.sample;

/**
 * One scan, as the {@code dirtypages.Scan} event reports it.
 *
 * @param scanId        counts scans from 1; 0 when the scan was skipped because re-arming is held
 *                      ({@link Sampler#hold})
 * @param trigger       what made the scan
 * @param intervalNanos time since the previous scan (or since arming)
 * @param durationNanos the scan's own duration
 * @param writtenPages  pages written in the interval
 * @param assumedPages  of those, the pages reported without a measured write in the interval (adaptive arming's
 *                      stripes, off-heap blocks' pages written before their arming)
 * @param trackedBytes  bytes tracked
 * @param ranges        written ranges found (after merging)
 * @param omitted       ranges not emitted because of maxranges
 * @param reregistered  stretches registered again after a remap
 */
public record ScanSummary(long scanId, ScanTrigger trigger, long intervalNanos, long durationNanos, long writtenPages,
                          long assumedPages, long trackedBytes, long ranges, long omitted, long reregistered) {
}
