/**
 * The advice ByteBuddy inlines into the JDK's off-heap allocation paths: templates whose calls to
 * {@link dev.dirtypages.agent.offheap.bridge.OffHeapHooks} are renamed, before inlining, to the copy of it
 * defined in {@code java.base}. Static methods only; every one suppresses what it throws.
 */
package dev.dirtypages.agent.offheap.advice;
