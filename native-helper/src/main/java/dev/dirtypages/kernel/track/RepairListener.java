package dev.dirtypages.kernel.track;

import dev.dirtypages.kernel.KernelException;

/**
 * Told when a tracked range had lost its registration: the owner of the memory replaced a VMA
 * ({@code mmap(MAP_FIXED)}, as HotSpot commits and uncommits its heap), which drops the userfaultfd
 * registration with it.
 */
public interface RepairListener {
    /** {@code [start, end)} was registered again; its pages are reported written in the same collection. */
    default void reregistered(long start, long end) {
    }

    /** {@code [start, end)} could not be registered again and is skipped in this collection. */
    default void untrackable(long start, long end, KernelException cause) {
    }

    RepairListener NONE = new RepairListener() { };
}
