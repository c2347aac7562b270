package dev.dirtypages.agent.report.model;

import jdk.jfr.Event;
import jdk.jfr.Name;

/**
 * Events with the names and the fields other branches add to the agent's events (memory kinds, assumed
 * reasons, GC epochs: see the shared contract), so that the report's reading of them is tested before they
 * are merged. The report reads events by name and field, as these are written.
 */
final class FutureFieldsEvents {
    private FutureFieldsEvents() {
    }

    @Name("dirtypages.DirtyRange")
    static final class Range extends Event {
        long startAddress;
        long endAddress;
        long size;
        long scanId;
        String region;
        boolean assumed;
        String memoryKind;
        String assumedReason;
    }

    @Name("dirtypages.Scan")
    static final class Scan extends Event {
        long scanId;
        String trigger;
        long interval;
        long writtenPages;
        long writtenBytes;
        long assumedBytes;
        long trackedBytes;
        long rangesFound;
        long rangesOmitted;
        long gcId;
    }

    @Name("dirtypages.MemoryKindWrites")
    static final class KindWrites extends Event {
        long scanId;
        String memoryKind;
        long writtenPages;
        long writtenBytes;
        long assumedPages;
        long assumedBytes;
    }
}
