/** Register and arm: the regions the agent tracks, kept registered as the JVM remaps them. */
package dev.dirtypages.agent.track;
