/**
 * Scans inside garbage-collection pauses: a small C library ({@code native-helper/src/main/c}) hooks JVMTI's
 * {@code GarbageCollectionStart} and {@code GarbageCollectionFinish} and issues {@code PAGEMAP_SCAN} there, into
 * memory set up beforehand; {@link dev.dirtypages.kernel.gcpause.GcPauseScans} sets its ranges and drains what it
 * found, through JNA like the rest of this layer.
 */
package dev.dirtypages.kernel.gcpause;
