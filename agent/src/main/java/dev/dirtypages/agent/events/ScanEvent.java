package dev.dirtypages.agent.events;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/** One scan of every tracked region; the event's duration is the scan's own. */
@Name("dirtypages.Scan")
@Label("Scan")
@Description("A scan and re-arm of the tracked memory: what was written in the interval it covers.")
public final class ScanEvent extends DirtyPagesEvent {
    @Label("Scan Id")
    @Description("Counts the scans from 1; dirtypages.DirtyRange events carry it.")
    public long scanId;

    @Label("Trigger")
    @Description("What started the scan: timer, chunk end, shutdown, consumer (a snapshot tool's checkpoint), or "
            + "gc-start and gc-end (inside a collection pause, with gcepochs=true).")
    public String trigger;

    @Label("GC Identifier")
    @Description("For gc-start and gc-end: the gcId of the JDK's jdk.GarbageCollection the pause belongs to (0 "
            + "where it could not be joined); 0 for the other triggers.")
    public long gcId;

    @Label("Interval")
    @Description("The time since the previous scan (or since arming): the writes reported happened in it.")
    @Timespan(Timespan.NANOSECONDS)
    public long interval;

    @Label("Written Pages")
    @Description("Pages written in the interval.")
    public long writtenPages;

    @Label("Written")
    @Description("Bytes in the pages written in the interval.")
    @DataAmount
    public long writtenBytes;

    @Label("Assumed Written Pages")
    @Description("Of the written pages, those reported without being measured in the interval: stripes adaptive "
            + "arming left unarmed, and off-heap blocks' pages written before their first arming.")
    public long assumedPages;

    @Label("Assumed Written")
    @Description("Bytes in the pages assumed written rather than measured.")
    @DataAmount
    public long assumedBytes;

    @Label("Tracked")
    @Description("Bytes of memory tracked during the scan.")
    @DataAmount
    public long trackedBytes;

    @Label("Ranges Found")
    @Description("Contiguous written ranges the scan found.")
    public long rangesFound;

    @Label("Ranges Left Out")
    @Description("Ranges found but not emitted as dirtypages.DirtyRange events because of the maxranges bound.")
    public long rangesOmitted;

    @Label("CPU Time")
    @Description("CPU time the scanning thread used for the scan (0 where the JVM cannot measure it).")
    @Timespan(Timespan.NANOSECONDS)
    public long cpuTime;

    @Label("Allocated")
    @Description("Java heap the scanning thread allocated during the scan, the events it emitted included (0 where "
            + "the JVM cannot measure it).")
    @DataAmount
    public long allocated;

    @Label("Re-registered")
    @Description("Stretches that had lost their registration (the JVM remapped them) and were registered again; "
            + "their pages count as written.")
    public long reregistered;
}
