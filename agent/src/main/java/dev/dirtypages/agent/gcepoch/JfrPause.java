package dev.dirtypages.agent.gcepoch;

/**
 * A pause as the JDK's {@code jdk.GCPhasePause} event reports it.
 *
 * @param beginEpochNanos when it began, nanoseconds since the epoch (JFR's time)
 * @param endEpochNanos   when it ended
 * @param gcId            the collection it belongs to: the gcId of its jdk.GarbageCollection
 * @param name            e.g. {@code Pause Young (Normal) (G1 Evacuation Pause)}, {@code Pause Remark}, {@code GC Pause}
 */
record JfrPause(long beginEpochNanos, long endEpochNanos, long gcId, String name) {
}
