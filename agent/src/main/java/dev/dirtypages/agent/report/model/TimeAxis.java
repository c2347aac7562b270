package dev.dirtypages.agent.report.model;

/**
 * The heatmap's columns: consecutive scans, {@link #scansPerColumn} to a column so that a long recording fits the
 * generator's column budget. Column {@code c} covers the intervals of scans {@code c * scansPerColumn} up to the
 * next column's first, from {@code startMillis[c]} to {@code endMillis[c]}.
 *
 * @param firstScanId the scan id of each column's first scan
 * @param scans       how many scans each column holds (the last may hold fewer)
 */
public record TimeAxis(int scanCount, int scansPerColumn, double[] startMillis, double[] endMillis,
                       long[] firstScanId, int[] scans) {

    public int columns() {
        return startMillis.length;
    }

    /** How many scans to a column for {@code scanCount} scans and at most {@code maxColumns} columns. */
    static int scansPerColumn(int scanCount, int maxColumns) {
        return Math.max(1, (scanCount + maxColumns - 1) / maxColumns);
    }
}
