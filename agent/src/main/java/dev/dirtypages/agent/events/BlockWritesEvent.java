package dev.dirtypages.agent.events;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;
import jdk.jfr.Name;

/**
 * The written pages of one off-heap block in one scan, the heaviest blocks first. Where the block was
 * allocated is the stack trace of the {@code dirtypages.RegionTracked} event with the same block id. Off by
 * default (one per written block per scan): dirtypages.jfc enables it.
 */
@Name("dirtypages.BlockWrites")
@Label("Block Writes")
@Description("The pages of one tracked off-heap block written in the interval a scan covers: one event per written "
        + "block, the heaviest first.")
@Enabled(false)
public final class BlockWritesEvent extends DirtyPagesEvent {
    @Label("Scan Id")
    @Description("The scan that found the writes; its dirtypages.Scan event has the same id.")
    public long scanId;

    @Label("Rank")
    @Description("1 for the block with the most written pages in this scan, 2 for the next, and so on.")
    public int rank;

    @Label("Block Id")
    @Description("The block; the dirtypages.RegionTracked event with the same id has its allocation's stack trace.")
    public long blockId;

    @Label("Kind")
    @Description("What the block is: direct-buffer, unsafe-memory or ffm-arena.")
    public String kind;

    @Label("Start Address")
    @Description("The first byte of the block.")
    @MemoryAddress
    public long startAddress;

    @Label("End Address")
    @Description("The first byte past the block.")
    @MemoryAddress
    public long endAddress;

    @Label("Size")
    @Description("The bytes in the block.")
    @DataAmount
    public long size;

    @Label("Written Pages")
    @Description("Pages overlapping the block written in the interval, each counted once (a page shared with "
            + "other blocks counts for each of them).")
    public long writtenPages;

    @Label("Written")
    @Description("Bytes in the written pages.")
    @DataAmount
    public long writtenBytes;

    @Label("Freed")
    @Description("The block was freed during the interval: these are its writes up to the free.")
    public boolean freed;
}
