package dev.dirtypages.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** maxranges bounds the DirtyRange events of a scan; Scan counts what was left out, and its totals stay whole. */
@EnabledIfUserfaultfd
class RangeBoundIT {
    private static final int MAX_RANGES = 3;

    @TempDir
    Path dir;

    @Test
    void aScanEmitsAtMostMaxRangesAndCountsTheRest() throws Exception {
        Path jfr = dir.resolve("bound.jfr");
        ChildJvm.Result run = ChildJvm.in(dir).args("-Xmx256m")
                .agent("interval=100ms,file=" + jfr + ",maxranges=" + MAX_RANGES)
                .args("-cp", ChildJvm.testClasses().toString(), "dev.dirtypages.agent.testapp.GrowAndShrink", "64", "100")
                .run();
        assertEquals(0, run.exitCode(), run.toString());

        Map<Long, Integer> emitted = new HashMap<>();
        for (RecordedEvent r : Recordings.events(jfr, "dirtypages.DirtyRange")) {
            emitted.merge(r.getLong("scanId"), 1, Integer::sum);
        }
        List<RecordedEvent> scans = Recordings.events(jfr, "dirtypages.Scan");
        long omittedTotal = 0;
        for (RecordedEvent scan : scans) {
            long id = scan.getLong("scanId");
            int count = emitted.getOrDefault(id, 0);
            assertTrue(count <= MAX_RANGES, "scan " + id + " emitted " + count);
            assertEquals(scan.getLong("rangesFound"), count + scan.getLong("rangesOmitted"), "scan " + id);
            omittedTotal += scan.getLong("rangesOmitted");
        }
        assertTrue(omittedTotal > 0, "the workload never found more than " + MAX_RANGES + " ranges in a scan");
    }
}
