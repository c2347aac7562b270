/**
 * What the collector knows about its heap: which memory it allocates into (young, free) and which it keeps (old,
 * humongous), so that arming follows the old generation (see {@link dev.dirtypages.agent.collector.HeapLayout}).
 */
package dev.dirtypages.agent.collector;
