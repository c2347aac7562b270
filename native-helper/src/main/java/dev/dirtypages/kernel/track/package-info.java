/**
 * Register, arm and collect, combined: a {@link dev.dirtypages.kernel.track.WriteTracker} keeps ranges
 * tracked across {@code mmap(MAP_FIXED)} remaps and reports every written page exactly in the
 * collection that follows the write.
 */
package dev.dirtypages.kernel.track;
