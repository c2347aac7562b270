/**
 * Emit events: the JFR events dirtypages writes (namespace {@code dirtypages}, category "Dirty Pages").
 * These names and fields are the contract JMC, {@code jfr print} and streaming consumers rely on.
 */
package dev.dirtypages.agent.events;
