package dev.dirtypages.agent.events;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A region (or a stretch of one) stops being tracked. */
@Name("dirtypages.RegionUntracked")
@Label("Region Untracked")
@Description("Memory stops being tracked: freed, impossible to register again, or the agent stopped.")
public final class RegionUntrackedEvent extends RegionEvent {
}
