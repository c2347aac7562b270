package dev.dirtypages.agent.offheap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testapp.AllocatedBeforeAttach;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.ChildJvm.Result;
import dev.dirtypages.agent.testing.ChildJvm.Running;
import dev.dirtypages.agent.testing.GroundTruth;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent attached to a running JVM finds the direct buffers allocated before the attach (through the JDK's
 * cleaners) and reports their writes; what it cannot find (Unsafe memory, arena segments) it says once, on
 * stderr and in {@code dirtypages.AgentStatus}.
 */
@EnabledIfUserfaultfd
class AttachFindsLiveBuffersIT {
    /** 8 MiB and a little: a size no other buffer of the child has. */
    private static final long BYTES = (8L << 20) + 2345;

    @TempDir
    Path dir;

    @Test
    void aDirectBufferAllocatedBeforeTheAttachIsTrackedAndWhatCannotBeFoundIsSaid() throws Exception {
        Path jfr = dir.resolve("attach.jfr");
        ChildJvm app = KnownOffHeapWritesIT.child(dir);
        if (ChildJvm.javaFeature() >= 21) {
            app.args("-XX:+EnableDynamicAgentLoading");
        }
        Running running = app.args("-cp", ChildJvm.testClasses().toString(), AllocatedBeforeAttach.class.getName(),
                Long.toString(BYTES), "5", "30", "300", "23").start();
        try {
            running.awaitLine("ready", Duration.ofSeconds(30));
            Result attach = ChildJvm.in(dir).args("-jar", ChildJvm.agentJar().toString(), Long.toString(running.pid()),
                    "interval=100ms,file=" + jfr).run();
            assertEquals(0, attach.exitCode(), attach::toString);
            Result run = running.await(ChildJvm.TIMEOUT);
            assertEquals(0, run.exitCode(), run::toString);

            List<String> said = run.stderrLines("attached to a running JVM");
            assertEquals(1, said.size(), run::toString);
            assertTrue(said.get(0).contains("1 direct buffers alive at the attach"), run::toString);
            assertTrue(said.get(0).contains("Unsafe memory"), run::toString);
            List<RecordedEvent> status = Recordings.events(jfr, "dirtypages.AgentStatus");
            assertTrue(!status.isEmpty() && status.stream().allMatch(e -> e.getString("offHeapBeforeAttach")
                    .contains("cannot be found")), status::toString);

            String[] block = run.stdout().lines().filter(l -> l.startsWith("BLOCK ")).findFirst().orElseThrow()
                    .split(" ");
            long firstPage = Long.parseLong(block[3]);
            long end = firstPage + Long.parseLong(block[4]) * 4096;
            GroundTruth truth = GroundTruth.parse(run.stdout());
            assertEquals(5, truth.rounds.size(), run::toString);
            truth.assertNoneMissed(Recordings.scans(jfr, firstPage, end));
            for (RecordedEvent range : Recordings.events(jfr, "dirtypages.DirtyRange")) {
                if (range.getLong("endAddress") > firstPage && range.getLong("startAddress") < end) {
                    assertEquals("direct-buffer", range.getString("region"), range.toString());
                }
            }
        } finally {
            running.kill();
        }
    }
}
