/**
 * Off-heap blocks: direct buffers, Unsafe memory and FFM arenas, found as they are allocated by hooks added to the
 * JDK's own classes (through a bridge defined in {@code java.base}), tracked and reported page by page. See
 * docs/offheap.md.
 */
package dev.dirtypages.agent.offheap;
