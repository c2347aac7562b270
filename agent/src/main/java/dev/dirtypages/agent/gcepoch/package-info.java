/**
 * GC epochs ({@code gcepochs=true}): scans at the start and at the end of every collection pause, made inside
 * the pause by the GC-pause library (dev.dirtypages.kernel.gcpause), taken in by the sampler, joined to the
 * JDK's own GC events by time, and emitted as dirtypages.Scan (trigger gc-start, gc-end), dirtypages.GcWrites and
 * dirtypages.GcKindWrites.
 */
package dev.dirtypages.agent.gcepoch;
