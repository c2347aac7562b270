package dev.dirtypages.agent.events;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A region (or a stretch of one) starts being tracked. */
@Name("dirtypages.RegionTracked")
@Label("Region Tracked")
@Description("Memory starts being tracked: registered, or registered again after the JVM remapped it.")
public final class RegionTrackedEvent extends RegionEvent {
}
