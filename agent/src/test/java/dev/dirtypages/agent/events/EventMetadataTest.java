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
            "jdk.jfr.Timespan");
    /** Numeric fields that are counts or identifiers: JFR has no unit for them. */
    private static final Set<String> PLAIN_COUNTS = Set.of("scanId", "writtenPages", "rangesFound", "rangesOmitted",
            "reregistered", "regions", "scans");

    @ParameterizedTest
    @ValueSource(classes = {DirtyRangeEvent.class, ScanEvent.class, RegionTrackedEvent.class,
            RegionUntrackedEvent.class, AgentStatusEvent.class, ChunkEndScanEvent.class})
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
    @ValueSource(strings = {"dirtypages.DirtyRange"})
    void theExpensiveEventIsOffByDefault(String name) {
        EventType event = EventType.getEventType(DirtyRangeEvent.class);
        assertEquals(name, event.getName());
        assertFalse(event.isEnabled(), "DirtyRange must be enabled by dirtypages.jfc, not by default");
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
