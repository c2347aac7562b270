package dev.dirtypages.agent.events;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;

/** The fields a region's start and end of tracking share. */
public abstract class RegionEvent extends DirtyPagesEvent {
    @Label("Start Address")
    @Description("The first byte of the region.")
    @MemoryAddress
    public long startAddress;

    @Label("End Address")
    @Description("The first byte past the region.")
    @MemoryAddress
    public long endAddress;

    @Label("Size")
    @Description("The bytes in the region.")
    @DataAmount
    public long size;

    @Label("Kind")
    @Description("What the region is, e.g. java-heap.")
    public String kind;

    @Label("Reason")
    @Description("Why tracking starts or stops.")
    public String reason;

    @Label("Block Id")
    @Description("The off-heap block (one allocation): dirtypages.BlockWrites events carry the same id; 0 for the "
            + "heap and for stretches of memory that are no single block.")
    public long blockId;

    /** Commits the event for {@code [start, end)} if a recording has it enabled. */
    public final void commit(String kind, long start, long end, String reason) {
        commit(kind, start, end, reason, 0);
    }

    /** Commits the event for {@code [start, end)}, the block {@code blockId}, if a recording has it enabled. */
    public final void commit(String kind, long start, long end, String reason, long blockId) {
        if (isEnabled()) {
            this.startAddress = start;
            this.endAddress = end;
            this.size = end - start;
            this.kind = kind;
            this.reason = reason;
            this.blockId = blockId;
            commit();
        }
    }
}
