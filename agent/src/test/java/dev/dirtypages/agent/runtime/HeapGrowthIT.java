package dev.dirtypages.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The heap grows from -Xms16m and shrinks again: every stretch HotSpot remaps loses its registration;
 * the agent must register it again, count its pages as written, and never fail a scan.
 */
@EnabledIfUserfaultfd
class HeapGrowthIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseG1GC", "-XX:+UseParallelGC", "-XX:+UseSerialGC"})
    void remappedHeapIsRegisteredAgainAndCountedAsWritten(String collector) throws Exception {
        Path jfr = dir.resolve("growth.jfr");
        ChildJvm.Result run = ChildJvm.in(dir)
                .args(collector, "-Xms16m", "-Xmx512m", "-XX:MinHeapFreeRatio=5", "-XX:MaxHeapFreeRatio=10")
                .agent("interval=100ms,file=" + jfr + ",maxranges=1000000,arming=plain")
                .args("-cp", ChildJvm.testClasses().toString(), "dev.dirtypages.agent.testapp.GrowAndShrink", "320", "120")
                .run();
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("STATE tracking"), run.toString());
        assertTrue(run.stdout().contains("DONE"), run.toString());
        assertFalse(run.stderr().contains("failed"), "a scan failed:\n" + run.toString());

        List<RecordedEvent> again = Recordings.events(jfr, "dirtypages.RegionTracked").stream()
                .filter(e -> e.getString("reason").startsWith("registered again")).toList();
        assertFalse(again.isEmpty(), "the heap grew from 16 MiB to 320 MiB without one re-registration");

        // Each re-registered stretch is reported written, in full, by a scan at or after its registration.
        List<RecordedEvent> ranges = Recordings.events(jfr, "dirtypages.DirtyRange");
        for (RecordedEvent stretch : again) {
            long start = stretch.getLong("startAddress");
            long end = stretch.getLong("endAddress");
            long covered = 0;
            long cursor = start;
            List<RecordedEvent> sorted = ranges.stream()
                    .filter(r -> !r.getStartTime().isBefore(stretch.getStartTime()))
                    .filter(r -> r.getLong("endAddress") > start && r.getLong("startAddress") < end)
                    .sorted((a, b) -> Long.compare(a.getLong("startAddress"), b.getLong("startAddress")))
                    .toList();
            for (RecordedEvent r : sorted) {
                long s = Math.max(r.getLong("startAddress"), cursor);
                long e = Math.min(r.getLong("endAddress"), end);
                if (e > s) {
                    covered += e - s;
                    cursor = e;
                }
            }
            assertEquals(end - start, covered, String.format(
                    "re-registered [0x%x, 0x%x) was not reported written in full", start, end));
        }

        long reregisteredInScans = Recordings.events(jfr, "dirtypages.Scan").stream()
                .mapToLong(e -> e.getLong("reregistered")).sum();
        assertEquals(again.size(), reregisteredInScans, "Scan.reregistered must count the RegionTracked events");
    }
}
