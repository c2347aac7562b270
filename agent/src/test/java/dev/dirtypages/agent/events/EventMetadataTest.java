package dev.dirtypages.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import jdk.jfr.EventType;
import jdk.jfr.ValueDescriptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The events are the contract consumers rely on: names, labels, descriptions, category and units. */
class EventMetadataTest {
    private static final Set<String> CONTENT_TYPES = Set.of("jdk.jfr.MemoryAddress", "jdk.jfr.DataAmount",
            "jdk.jfr.Timespan", "jdk.jfr.Timestamp");
    /** Numeric fields that are counts or identifiers: JFR has no unit for them. */
    private static final Set<String> PLAIN_COUNTS = Set.of("scanId", "writtenPages", "assumedPages", "rangesFound",
            "rangesOmitted", "reregistered", "regions", "scans", "blockId", "rank", "gcId", "startScanId", "endScanId",
            "mutatorPages", "collectorPages");

    @ParameterizedTest
    @ValueSource(classes = {DirtyRangeEvent.class, ScanEvent.class, RegionTrackedEvent.class,
            RegionUntrackedEvent.class, AgentStatusEvent.class, ChunkEndScanEvent.class, BlockWritesEvent.class,
            MemoryKindWritesEvent.class, GcWritesEvent.class, GcKindWritesEvent.class})
    void eachEventIsFinalNamedLabelledDescribedAndCategorised(Class<? extends jdk.jfr.Event> type) {
        assertTrue(Modifier.isFinal(type.getModifiers()), type + " must be final");
        EventType event = EventType.getEventType(type);
        assertTrue(event.getName().startsWith("dirtypages."), event.getName());
        assertTrue(isTitleCase(event.getLabel()), "label " + event.getLabel());
        assertNotNull(event.getDescription());
        assertTrue(event.getDescription().endsWith("."), "one sentence: " + event.getDescription());
        assertEquals(List.of("Dirty Pages"), event.getCategoryNames());
        for (ValueDescriptor field : event.getFields()) {
            if (Set.of("startTime", "duration", "eventThread", "stackTrace").contains(field.getName())) {
                continue;
            }
            assertTrue(isTitleCase(field.getLabel()), event.getName() + "." + field.getName() + " label " + field.getLabel());
            assertNotNull(field.getDescription(), event.getName() + "." + field.getName() + " has no description");
            boolean numeric = field.getTypeName().equals("long") || field.getTypeName().equals("int");
            if (numeric && !PLAIN_COUNTS.contains(field.getName())) {
                assertNotNull(field.getContentType(), event.getName() + "." + field.getName() + " has no unit");
                assertTrue(CONTENT_TYPES.contains(field.getContentType()), field.getContentType());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"startAddress", "endAddress"})
    void addressesAreMemoryAddresses(String field) {
        assertEquals("jdk.jfr.MemoryAddress",
                EventType.getEventType(DirtyRangeEvent.class).getField(field).getContentType());
        assertEquals("jdk.jfr.MemoryAddress",
                EventType.getEventType(RegionTrackedEvent.class).getField(field).getContentType());
    }

    @ParameterizedTest
    @ValueSource(classes = {DirtyRangeEvent.class, BlockWritesEvent.class})
    void theExpensiveEventsAreOffByDefault(Class<? extends jdk.jfr.Event> type) {
        EventType event = EventType.getEventType(type);
        assertFalse(event.isEnabled(), event.getName() + " must be enabled by dirtypages.jfc, not by default");
    }

    @ParameterizedTest
    @ValueSource(strings = {"writtenPages", "blockId", "startAddress"})
    void blockWritesNamesTheBlockAndItsPages(String field) {
        assertNotNull(EventType.getEventType(BlockWritesEvent.class).getField(field));
    }

    @ParameterizedTest
    @ValueSource(classes = {DirtyRangeEvent.class, ScanEvent.class, RegionTrackedEvent.class,
            RegionUntrackedEvent.class, AgentStatusEvent.class, ChunkEndScanEvent.class, BlockWritesEvent.class,
            MemoryKindWritesEvent.class, GcWritesEvent.class, GcKindWritesEvent.class})
    void theOptionsDocumentDescribesEachEvent(Class<? extends jdk.jfr.Event> type) throws java.io.IOException {
        java.nio.file.Path doc = java.nio.file.Path.of(System.getProperty("dirtypages.docs", "../docs"))
                .resolve("options.md");
        String name = EventType.getEventType(type).getName();
        assertTrue(java.nio.file.Files.readString(doc).contains("| `" + name + "`"), "docs/options.md lacks a row for "
                + name);
    }

    @org.junit.jupiter.api.Test
    void regionTrackedCarriesTheAllocationsStackTrace() {
        EventType event = EventType.getEventType(RegionTrackedEvent.class);
        assertNotNull(event.getField("stackTrace"), "an off-heap block's RegionTracked says where it was allocated");
        assertNotNull(event.getField("blockId"));
    }

    static boolean isTitleCase(String label) {
        if (label == null || label.isEmpty()) {
            return false;
        }
        for (String word : label.split(" ")) {
            if (word.isEmpty() || !Character.isUpperCase(word.charAt(0))) {
                return false;
            }
        }
        return true;
    }
}
