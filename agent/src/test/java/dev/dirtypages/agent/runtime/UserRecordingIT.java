package dev.dirtypages.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without file=, the events go to the recording the user started, as its settings say. */
@EnabledIfUserfaultfd
class UserRecordingIT {
    @TempDir
    Path dir;

    @Test
    void theShippedSettingsRecordEveryEvent() throws Exception {
        Path jfr = dir.resolve("user.jfr");
        Path settings = Path.of("src/main/resources/dirtypages.jfc").toAbsolutePath();
        ChildJvm.Result run = ChildJvm.in(dir)
                .args("-XX:StartFlightRecording:filename=" + jfr + ",settings=" + settings)
                .agent("interval=100ms")
                .args("-cp", ChildJvm.testClasses().toString(), "dev.dirtypages.agent.testapp.GrowAndShrink", "64", "100")
                .run();
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(Recordings.events(jfr, "dirtypages.Scan").isEmpty(), run.toString());
        assertFalse(Recordings.events(jfr, "dirtypages.DirtyRange").isEmpty(), run.toString());
        assertFalse(Recordings.events(jfr, "dirtypages.AgentStatus").isEmpty(), run.toString());
        assertFalse(Recordings.events(jfr, "dirtypages.RegionTracked").isEmpty(), run.toString());
        assertTrue(Recordings.events(jfr, "dirtypages.AgentStatus").stream()
                .anyMatch(e -> e.getString("state").equals("tracking")), run.toString());
    }

    @Test
    void theDefaultSettingsRecordScansButNotRanges() throws Exception {
        Path jfr = dir.resolve("default.jfr");
        ChildJvm.Result run = ChildJvm.in(dir)
                .args("-XX:StartFlightRecording:filename=" + jfr)
                .agent("interval=100ms")
                .args("-cp", ChildJvm.testClasses().toString(), "dev.dirtypages.agent.testapp.GrowAndShrink", "64", "100")
                .run();
        assertEquals(0, run.exitCode(), run.toString());
        assertFalse(Recordings.events(jfr, "dirtypages.Scan").isEmpty(), run.toString());
        assertTrue(Recordings.events(jfr, "dirtypages.DirtyRange").isEmpty(),
                "DirtyRange is off by default and must stay off under default.jfc");
    }
}
