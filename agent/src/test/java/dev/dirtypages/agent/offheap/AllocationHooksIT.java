package dev.dirtypages.agent.offheap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testapp.HookedAllocations;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hooks the agent adds to the JDK's allocation methods pass the bytecode verifier (switched on for the JDK's
 * own classes, which HotSpot does not verify by default: a bad hook would otherwise go unnoticed), and a marked
 * method left by an exception (a direct buffer refused for lack of direct memory) unmarks the thread: the
 * Unsafe block allocated next on it is reported as Unsafe memory, not as a direct buffer.
 */
@EnabledIfUserfaultfd
class AllocationHooksIT {
    @TempDir
    Path dir;

    @Test
    void theHooksPassTheVerifierAndAnExceptionalExitUnmarksTheThread() throws Exception {
        Path jfr = dir.resolve("hooks.jfr");
        ChildJvm.Result run = KnownOffHeapWritesIT.child(dir)
                .args("-XX:+UnlockDiagnosticVMOptions", "-XX:+BytecodeVerificationLocal", "-XX:MaxDirectMemorySize=2m")
                .agent("interval=100ms,file=" + jfr + ",log=debug")
                .args("-cp", ChildJvm.testClasses().toString(), HookedAllocations.class.getName())
                .run();
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("OOM "), "allocateDirect was not refused\n" + run);
        assertFalse(run.stderr().contains("VerifyError"), run.toString());
        assertTrue(run.stderr().contains("dirtypages: hooks in "), run.toString());
        assertFalse(run.stderr().contains("off-heap memory is not tracked"), run.toString());

        Map<String, String> names = Map.of("UNSAFE ", "unsafe-memory", "ARENA ", "ffm-arena");
        for (Map.Entry<String, String> block : names.entrySet()) {
            String[] line = run.stdout().lines().filter(l -> l.startsWith(block.getKey())).findFirst()
                    .map(l -> l.split(" ")).orElse(null);
            if (line == null) {
                assertTrue(block.getKey().equals("ARENA ") && ChildJvm.javaFeature() < 22, run.toString());
                continue;
            }
            long start = Long.parseLong(line[1]);
            long end = start + Long.parseLong(line[2]) * 4096;
            int ranges = 0;
            for (RecordedEvent range : Recordings.events(jfr, "dirtypages.DirtyRange")) {
                if (range.getLong("endAddress") > start && range.getLong("startAddress") < end) {
                    assertEquals(block.getValue(), range.getString("region"), range.toString());
                    ranges++;
                }
            }
            assertTrue(ranges > 0, "no written range reported for " + block.getValue() + "\n" + run);
        }
    }
}
