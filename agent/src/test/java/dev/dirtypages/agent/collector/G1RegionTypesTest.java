package dev.dirtypages.agent.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dirtypages.agent.log.AgentLog;
import dev.dirtypages.agent.log.LogLevel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How region-type events become spans: the quirks of JDK 17 and 25, and what a scan after a change reports. */
class G1RegionTypesTest {
    private static final long BASE = 1L << 40;
    private static final long REGION = 1L << 20;
    private final G1RegionTypes types = new G1RegionTypes(BASE, BASE + 8 * REGION, REGION, new AgentLog(LogLevel.OFF));

    private List<String> spans(boolean complete) {
        List<String> out = new ArrayList<>();
        types.forEachSpan(BASE, BASE + 8 * REGION, complete, (s, e, kind, treatment) ->
                out.add((s - BASE) / REGION + "-" + (e - BASE) / REGION + " " + kind.eventName() + " " + treatment));
        return out;
    }

    private void snapshot(String... kinds) {
        for (int i = 0; i < kinds.length; i++) {
            types.set(i, MemoryKind.HEAP, G1RegionTypes.parse(kinds[i]), null);
        }
        spans(false); // the scan after the snapshot: forget what it says changed
    }

    @Test
    void beforeAnySnapshotEveryRegionIsMeasured() {
        assertEquals(List.of("0-8 heap MEASURE"), spans(false));
    }

    @Test
    void oldAndHumongousAreMeasuredYoungAssumedFreeLeftAlone() {
        snapshot("Old", "Starts Humongous", "Continues Humongous", "Eden", "Survivor", "Free", "Free", "Open Archive");
        assertEquals(List.of("0-1 old MEASURE", "1-3 humongous MEASURE", "3-4 eden ASSUME", "4-5 survivor ASSUME",
                "5-7 free SKIP", "7-8 old MEASURE"), spans(false));
        assertEquals(List.of("0-1 old MEASURE", "1-3 humongous MEASURE", "3-4 eden ASSUME", "4-5 survivor ASSUME",
                "5-7 free MEASURE", "7-8 old MEASURE"), spans(true), "a complete scan measures free regions");
    }

    @Test
    void aRegionYoungOrOldDuringTheIntervalIsReportedByTheNextScanThoughFreeNow() {
        snapshot("Free", "Free", "Free", "Free", "Free", "Free", "Free", "Free");
        types.set(1, MemoryKind.FREE, MemoryKind.EDEN, null);
        types.set(1, MemoryKind.EDEN, MemoryKind.FREE, null);
        types.set(3, MemoryKind.FREE, MemoryKind.HUMONGOUS, null);
        types.set(3, MemoryKind.HUMONGOUS, MemoryKind.FREE, null);
        assertEquals(List.of("0-1 free SKIP", "1-2 free ASSUME", "2-3 free SKIP", "3-4 free MEASURE", "4-8 free SKIP"),
                spans(false));
        assertEquals(List.of("0-8 free SKIP"), spans(false), "and only that scan");
    }

    @Test
    void jdk17ReportsRelabellingAsOldToOld() {
        snapshot("Survivor", "Free", "Free", "Free", "Free", "Free", "Free", "Free");
        types.set(0, MemoryKind.OLD, MemoryKind.OLD, null);
        types.set(1, MemoryKind.FREE, MemoryKind.FREE, null); // region initialisation
        assertEquals(List.of("0-1 old MEASURE", "1-8 free SKIP"), spans(false));
    }

    @Test
    void jdk25ReportsRelabellingAsOldWithFromAndToSwapped() {
        snapshot("Survivor", "Eden", "Free", "Old", "Free", "Free", "Free", "Free");
        types.set(0, MemoryKind.OLD, MemoryKind.SURVIVOR, null);
        types.set(1, MemoryKind.OLD, MemoryKind.EDEN, null);
        types.set(2, MemoryKind.OLD, MemoryKind.FREE, null); // a full collection's free compaction target
        types.set(3, MemoryKind.OLD, MemoryKind.FREE, null); // an old region really freed
        assertEquals(List.of("0-3 old MEASURE", "3-4 free MEASURE", "4-8 free SKIP"), spans(false));
        assertEquals(List.of("0-3 old MEASURE", "3-8 free SKIP"), spans(false));
    }

    @Test
    void regionTypeNames() {
        assertEquals(MemoryKind.HUMONGOUS, G1RegionTypes.parse("Continues Humongous"));
        assertEquals(MemoryKind.OLD, G1RegionTypes.parse("Closed Archive"));
        assertEquals(MemoryKind.HEAP, G1RegionTypes.parse("Something New"));
        assertEquals(MemoryKind.HEAP, G1RegionTypes.parse(null));
    }
}
