package dev.dirtypages.agent.events;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;
import jdk.jfr.Name;

/** One contiguous range of written pages found by a scan. Off by default: dirtypages.jfc enables it. */
@Name("dirtypages.DirtyRange")
@Label("Dirty Range")
@Description("A contiguous range of pages written during the interval the scan covers.")
@Enabled(false)
public final class DirtyRangeEvent extends DirtyPagesEvent {
    @Label("Start Address")
    @Description("The first byte of the range.")
    @MemoryAddress
    public long startAddress;

    @Label("End Address")
    @Description("The first byte past the range.")
    @MemoryAddress
    public long endAddress;

    @Label("Size")
    @Description("The bytes in the range.")
    @DataAmount
    public long size;

    @Label("Scan Id")
    @Description("The scan that found the range; its dirtypages.Scan event has the same id.")
    public long scanId;

    @Label("Region")
    @Description("What the range belongs to, e.g. java-heap.")
    public String region;

    @Label("Assumed")
    @Description("Whether the range was assumed written (adaptive arming left it unarmed) rather than measured.")
    public boolean assumed;

    @Label("Assumed Reason")
    @Description("Why the range is reported without a measured write in the interval: empty when measured, "
            + "hot for adaptive arming's stripes, before-arming for an off-heap block's pages written before its first arming.")
    public String assumedReason;
}
