package dev.dirtypages.agent.events;

import jdk.jfr.Category;
import jdk.jfr.Event;
import jdk.jfr.StackTrace;

/** What every dirtypages event shares: the category JMC groups them under; no stack traces (the sampler's are useless). */
@Category("Dirty Pages")
@StackTrace(false)
abstract class DirtyPagesEvent extends Event {
}
