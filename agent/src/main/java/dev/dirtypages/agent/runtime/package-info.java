/** The agent inside the JVM: options to running tracker, wired once at start. */
package dev.dirtypages.agent.runtime;
