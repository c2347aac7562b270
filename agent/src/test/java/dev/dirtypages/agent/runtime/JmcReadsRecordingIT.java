package dev.dirtypages.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmc.common.item.IAccessorKey;
import org.openjdk.jmc.common.item.IItem;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.item.IItemIterable;
import org.openjdk.jmc.common.item.IMemberAccessor;
import org.openjdk.jmc.common.item.IType;
import org.openjdk.jmc.common.item.ItemFilters;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.flightrecorder.JfrLoaderToolkit;

/** JDK Mission Control's own parser reads the agent's recording and finds what the JDK's parser finds. */
@EnabledIfUserfaultfd
class JmcReadsRecordingIT {
    @TempDir
    Path dir;

    @Test
    void jmcSeesTheSameScansAndRangesAsTheJdkParser() throws Exception {
        Path jfr = dir.resolve("jmc.jfr");
        ChildJvm.Result run = ChildJvm.in(dir).args("-Xmx256m")
                .agent("interval=100ms,file=" + jfr)
                .args("-cp", ChildJvm.testClasses().toString(), "dev.dirtypages.agent.testapp.GrowAndShrink", "48", "100")
                .run();
        assertEquals(0, run.exitCode(), run.toString());

        Set<String> jdkRanges = new TreeSet<>();
        for (RecordedEvent e : Recordings.events(jfr, "dirtypages.DirtyRange")) {
            jdkRanges.add(e.getLong("scanId") + ":" + Long.toHexString(e.getLong("startAddress")));
        }
        long jdkScans = Recordings.events(jfr, "dirtypages.Scan").size();
        assertFalse(jdkRanges.isEmpty(), run.toString());

        IItemCollection items = JfrLoaderToolkit.loadEvents(jfr.toFile());
        assertEquals(jdkScans, items.apply(ItemFilters.type("dirtypages.Scan")).stream()
                .mapToLong(IItemIterable::getItemCount).sum());
        Set<String> jmcRanges = new TreeSet<>();
        for (IItemIterable iterable : items.apply(ItemFilters.type("dirtypages.DirtyRange"))) {
            IType<IItem> type = iterable.getType();
            IMemberAccessor<?, IItem> scanId = accessor(type, "scanId");
            IMemberAccessor<?, IItem> start = accessor(type, "startAddress");
            for (IItem item : iterable) {
                long id = longOf(scanId.getMember(item));
                long address = longOf(start.getMember(item));
                jmcRanges.add(id + ":" + Long.toHexString(address));
            }
        }
        assertEquals(jdkRanges, jmcRanges);
    }

    /** JMC gives a field with a content type as a quantity (an address, a size), a plain number as it is. */
    private static long longOf(Object member) {
        return member instanceof IQuantity ? ((IQuantity) member).longValue() : ((Number) member).longValue();
    }

    private static IMemberAccessor<?, IItem> accessor(IType<IItem> type, String field) {
        for (IAccessorKey<?> key : type.getAccessorKeys().keySet()) {
            if (key.getIdentifier().equals(field)) {
                return type.getAccessor(key);
            }
        }
        throw new AssertionError("JMC sees no field " + field + " in " + type.getIdentifier());
    }
}
