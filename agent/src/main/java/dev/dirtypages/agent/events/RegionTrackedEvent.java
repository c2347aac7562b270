package dev.dirtypages.agent.events;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A region (or a stretch of one) starts being tracked. For an off-heap block it is committed on the
 * allocating thread, so its stack trace says where the block was allocated.
 */
@Name("dirtypages.RegionTracked")
@Label("Region Tracked")
@Description("Memory starts being tracked: allocated off the heap (the stack trace says where), registered, or "
        + "registered again after the JVM remapped it.")
@StackTrace(true)
public final class RegionTrackedEvent extends RegionEvent {
}
