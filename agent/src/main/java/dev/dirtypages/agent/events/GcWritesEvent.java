package dev.dirtypages.agent.events;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;
import jdk.jfr.Timestamp;

/**
 * One garbage-collection pause with {@code gcepochs=true}: what the mutator wrote up to it and what the pause
 * wrote, from the scans made at its start and at its end (dirtypages.Scan with trigger gc-start and gc-end).
 * Emitted once the pause is joined to the JDK's own GC events, a second or so after it.
 */
@Name("dirtypages.GcWrites")
@Label("GC Writes")
@Description("One collection pause: the pages the mutator wrote since the previous scan, and the pages the pause "
        + "itself wrote.")
public final class GcWritesEvent extends DirtyPagesEvent {
    @Label("GC Identifier")
    @Description("The gcId of the JDK's jdk.GarbageCollection (and jdk.GCPhasePause) the pause belongs to; 0 where "
            + "it could not be joined.")
    public long gcId;

    @Label("Pause Name")
    @Description("The pause as jdk.GCPhasePause names it, e.g. Pause Young (Normal) (G1 Evacuation Pause); empty "
            + "where it could not be joined.")
    public String pauseName;

    @Label("Start Scan Id")
    @Description("The dirtypages.Scan made at the start of the pause (trigger gc-start); 0 if none.")
    public long startScanId;

    @Label("End Scan Id")
    @Description("The dirtypages.Scan made at the end of the pause (trigger gc-end); 0 if none.")
    public long endScanId;

    @Label("Mutator Written Pages")
    @Description("Pages written since the previous scan, found at the start of the pause: the application's "
            + "(and concurrent GC threads') writes.")
    public long mutatorPages;

    @Label("Mutator Written")
    @Description("Bytes in the mutator's written pages.")
    @DataAmount
    public long mutatorBytes;

    @Label("Collector Written Pages")
    @Description("Pages the pause wrote, found at its end: evacuation, promotion, updated references, compaction.")
    public long collectorPages;

    @Label("Collector Written")
    @Description("Bytes in the pause's written pages.")
    @DataAmount
    public long collectorBytes;

    @Label("Pause Start")
    @Description("When the scan at the pause's start began (the event itself is committed once the pause is joined, "
            + "a second or so later).")
    @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
    public long pauseStart;

    @Label("Pause Time")
    @Description("From the start of the scan at the pause's start to the end of the scan at its end, as the JVMTI "
            + "GC hooks see the pause.")
    @Timespan(Timespan.NANOSECONDS)
    public long pauseTime;

    @Label("Start Scan Time")
    @Description("What the scan at the pause's start added to the pause.")
    @Timespan(Timespan.NANOSECONDS)
    public long startScanTime;

    @Label("End Scan Time")
    @Description("What the scan at the pause's end added to the pause.")
    @Timespan(Timespan.NANOSECONDS)
    public long endScanTime;

    @Label("Unscanned")
    @Description("Heap the pause's scans left out: what collector-aware arming leaves unarmed (young and free "
            + "memory), whose writes the timer scans report as assumed.")
    @DataAmount
    public long unscannedBytes;

    @Label("Truncated")
    @Description("A scan's buffer filled: what it did not reach stays written and is reported by the next scan, "
            + "so the split is not exact for this pause.")
    public boolean truncated;

    @Label("Overlapped")
    @Description("A timer or consumer scan ran during the pause and may have reported some of its pages: the split "
            + "is not exact for this pause.")
    public boolean overlapped;

    @Label("Held")
    @Description("Re-arming was held (a snapshot tool's freeze): the pause was not scanned.")
    public boolean held;
}
