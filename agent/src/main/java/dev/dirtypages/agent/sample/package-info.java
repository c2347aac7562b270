/** Scan on a timer: the sampler thread, and the emission of what each scan finds. */
package dev.dirtypages.agent.sample;
