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
    @Description("Whether the range was reported written without being measured (left unarmed by collector-aware or "
            + "adaptive arming, or an off-heap block written before its first arming).")
    public boolean assumed;

    @Label("Memory Kind")
    @Description("What the heap memory was at the time of the scan: eden, survivor, old, humongous or free (G1), young "
            + "or old (Parallel, Serial), heap where unknown; empty for off-heap ranges.")
    public String memoryKind;

    @Label("Assumed Reason")
    @Description("Why an assumed range was not measured: young (allocation memory collector-aware arming leaves "
            + "unarmed), hot (a stripe adaptive arming found written in full) or before-arming (an off-heap block's "
            + "pages written before its first arming); empty when measured.")
    public String assumedReason;
}
