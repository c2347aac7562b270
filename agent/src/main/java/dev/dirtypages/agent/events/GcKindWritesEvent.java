package dev.dirtypages.agent.events;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** One collection pause and one kind of memory: the split of dirtypages.GcWrites by where the pages lie. */
@Name("dirtypages.GcKindWrites")
@Label("GC Kind Writes")
@Description("The pages of one kind of memory the mutator wrote up to a collection pause and the pause wrote.")
public final class GcKindWritesEvent extends DirtyPagesEvent {
    @Label("GC Identifier")
    @Description("The gcId of the pause's dirtypages.GcWrites and jdk.GarbageCollection; 0 where not joined.")
    public long gcId;

    @Label("Start Scan Id")
    @Description("The dirtypages.Scan made at the start of the pause, which the dirtypages.GcWrites event names too.")
    public long startScanId;

    @Label("Memory Kind")
    @Description("Where the pages lie, as the last timer scan knew it: old or humongous (G1), old (Parallel, Serial), "
            + "heap where unknown; free when a scan that measures free memory came last.")
    public String memoryKind;

    @Label("Mutator Written Pages")
    @Description("Pages of this kind written since the previous scan, found at the start of the pause.")
    public long mutatorPages;

    @Label("Mutator Written")
    @Description("Bytes in them.")
    @DataAmount
    public long mutatorBytes;

    @Label("Collector Written Pages")
    @Description("Pages of this kind the pause wrote.")
    public long collectorPages;

    @Label("Collector Written")
    @Description("Bytes in them.")
    @DataAmount
    public long collectorBytes;
}
