package dev.dirtypages.agent.report.model;

import java.util.List;

/**
 * Everything the HTML report shows, already downsampled to what a page can draw: built by {@link ModelReader}
 * from one pass over the recording's metadata and one over its ranges, rendered by the {@code html} package.
 * Times are milliseconds from {@link #originEpochMillis}.
 *
 * @param source       the recording's file name
 * @param originEpochMillis the wall-clock time all other times count from (the first scan's interval start)
 * @param time         the heatmap's columns
 * @param heatmap      the heatmap's rows, lanes and cells
 * @param rates        written MiB/s per column, one series per memory kind, measured and assumed apart
 * @param collections  the garbage collections ({@code jdk.GarbageCollection})
 * @param pauses       the GC pauses ({@code jdk.GCPhasePause})
 * @param gcScans      scans taken at a pause boundary ({@code Scan.trigger} gc-start or gc-end)
 * @param blocks       the heaviest off-heap blocks, heaviest first
 * @param status       the agent's last status
 * @param summary      the text of {@code dirtypages-agent.jar summary} for the same recording
 * @param notes        what the reader had to decide or could not find, for the reader of the page
 */
public record ReportModel(String source, long originEpochMillis, TimeAxis time, Heatmap heatmap, List<RateSeries> rates,
                          List<Collection> collections, List<Pause> pauses, List<GcScan> gcScans,
                          List<BlockSummary> blocks, Status status, String summary, List<String> notes) {

    /** One garbage collection. */
    public record Collection(long gcId, String name, String cause, double startMillis, double durationMillis,
                             double longestPauseMillis) {
    }

    /** One GC pause. */
    public record Pause(long gcId, String name, double startMillis, double durationMillis) {
    }

    /** A scan the agent took at a GC pause boundary. */
    public record GcScan(long scanId, long gcId, String trigger, double atMillis) {
    }

    /**
     * Written MiB/s in each column for one memory kind.
     *
     * @param kind    the memory kind (eden, old, ..., java-heap, direct-buffer, ...) or "all"
     * @param assumed whether these are the writes assumed rather than measured
     */
    public record RateSeries(String kind, boolean assumed, double[] mibPerSecond) {
    }

    /**
     * An off-heap block with its writes over the whole recording.
     *
     * @param stack the allocation's stack trace, one frame a line, the agent's own frames left out
     */
    public record BlockSummary(long blockId, String kind, long start, long size, String site, String stack,
                               long writtenPages, long scansWritten, boolean freed) {
    }

    /** The agent's state, options and problems, from its last {@code AgentStatus} event. */
    public record Status(String state, String options, String kernel, List<String> problems, long scans,
                         long trackedBytes) {
        static final Status UNKNOWN = new Status("unknown (no AgentStatus event)", "", "", List.of(), 0, 0);
    }
}
