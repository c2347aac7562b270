package dev.dirtypages.agent.events;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;

/** The agent's configuration and health, at the start and end of every chunk. */
@Name("dirtypages.AgentStatus")
@Label("Agent Status")
@Description("The options in force, the kernel features found and whether tracking runs fully, reduced or not at all.")
@Period("everyChunk")
public final class AgentStatusEvent extends DirtyPagesEvent {
    @Label("State")
    @Description("tracking, reduced or off.")
    public String state;

    @Label("Problems")
    @Description("Why tracking is reduced or off, with the fix; empty when it runs fully.")
    public String problems;

    @Label("Options")
    @Description("The agent options in force, as key=value,...")
    public String options;

    @Label("Off-Heap Before Attach")
    @Description("After a dynamic attach: which off-heap blocks allocated before it were found and tracked, and which cannot be; empty when loaded with -javaagent.")
    public String offHeapBeforeAttach;

    @Label("Kernel")
    @Description("The kernel release and the write-tracking features it offers.")
    public String kernel;

    @Label("Tracked Regions")
    @Description("Regions tracked now, each live off-heap block counted as one.")
    public int regions;

    @Label("Tracked")
    @Description("Bytes of memory tracked now.")
    @DataAmount
    public long trackedBytes;

    @Label("Scans")
    @Description("Scans made so far.")
    public long scans;
}
