package dev.dirtypages.agent.events;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** The heap pages one scan reported in one kind of memory, measured and assumed apart. */
@Name("dirtypages.MemoryKindWrites")
@Label("Memory Kind Writes")
@Description("The heap pages a scan reported written in one kind of memory (eden, survivor, old, humongous, free, "
        + "young or heap), measured and assumed apart.")
public final class MemoryKindWritesEvent extends DirtyPagesEvent {
    @Label("Scan Id")
    @Description("The scan; its dirtypages.Scan event has the same id.")
    public long scanId;

    @Label("Memory Kind")
    @Description("What the memory was at the time of the scan, as in dirtypages.DirtyRange.")
    public String memoryKind;

    @Label("Written Pages")
    @Description("Pages of this kind measured written in the interval.")
    public long writtenPages;

    @Label("Written")
    @Description("Bytes in the pages of this kind measured written.")
    @DataAmount
    public long writtenBytes;

    @Label("Assumed Written Pages")
    @Description("Pages of this kind reported written without being measured.")
    public long assumedPages;

    @Label("Assumed Written")
    @Description("Bytes in the pages of this kind reported written without being measured.")
    @DataAmount
    public long assumedBytes;
}
