package dev.dirtypages.agent.report.model;

import java.util.List;

/**
 * The heatmap's rows (address stretches) grouped in lanes (the heap, each heavy off-heap block, the other
 * off-heap memory), and per cell (column, row) the pages written in it: {@code measured[c * rows + r]}
 * measured, {@code assumed[...]} assumed written, summed over the column's scans; {@code kind[...]} indexes
 * {@link #kinds} (0: none), the memory kind of the largest range in the cell; {@code reason[...]} indexes
 * {@link #reasons} (0: none or unknown), why the largest assumed range in the cell was assumed.
 *
 * @param rowDescription how the heap was cut into rows, for the page
 */
public record Heatmap(List<Lane> lanes, List<Row> rows, List<String> kinds, List<String> reasons, int[] measured,
                      int[] assumed, byte[] kind, byte[] reason, String rowDescription) {

    /**
     * A stretch of addresses drawn as one row.
     *
     * @param pages the pages in the stretch: a cell's fraction written is its pages over {@code pages} times
     *              the column's scans
     */
    public record Row(int lane, long start, long end, long pages) {
    }

    /** Consecutive rows that belong together, drawn with a name on the left. */
    public record Lane(String name, String detail, int firstRow, int rowCount, boolean heap) {
    }

    public int rowCount() {
        return rows.size();
    }

    public int index(int column, int row) {
        return column * rows.size() + row;
    }
}
