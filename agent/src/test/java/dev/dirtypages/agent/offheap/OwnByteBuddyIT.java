package dev.dirtypages.agent.offheap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testapp.OwnByteBuddyOffHeap;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application with its own ByteBuddy on its class path: its ByteBuddy (the other version) works, it sees
 * none of the agent's, and the direct buffers it allocates from a class it generated are tracked.
 */
@EnabledIfUserfaultfd
class OwnByteBuddyIT {
    @TempDir
    Path dir;

    @Test
    void theApplicationsByteBuddyAndTheAgentsAdviceLiveSideBySide() throws Exception {
        Path byteBuddy = ChildJvm.existing("dirtypages.it.byteBuddy");
        Path jfr = dir.resolve("own.jfr");
        ChildJvm.Result run = KnownOffHeapWritesIT.child(dir)
                .agent("interval=100ms,file=" + jfr)
                .args("-cp", ChildJvm.classPath(ChildJvm.testClasses(), byteBuddy), OwnByteBuddyOffHeap.class.getName())
                .run();
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("STATE tracking"), run.toString());
        assertTrue(run.warnings().isEmpty(), run.toString());
        assertTrue(run.value("byteBuddyFrom").endsWith("/" + byteBuddy.getFileName()), run.toString());
        assertEquals("made by the app's ByteBuddy", run.value("made"), run.toString());
        assertEquals("false", run.value("agentVisible"), run.toString());

        long address = Long.parseLong(run.stdout().lines().filter(l -> l.startsWith("BLOCK ")).findFirst()
                .orElseThrow().split(" ")[1]);
        RecordedEvent tracked = KnownOffHeapWritesIT.trackedBlock(jfr, address, "direct-buffer");
        assertTrue(tracked.getStackTrace().getFrames().stream().anyMatch(f -> f.getMethod().getType().getName()
                .equals(OwnByteBuddyOffHeap.Allocator.class.getName())), tracked.toString());
        long counted = Recordings.events(jfr, "dirtypages.BlockWrites").stream()
                .filter(e -> e.getLong("blockId") == tracked.getLong("blockId"))
                .mapToLong(e -> e.getLong("writtenPages")).sum();
        assertTrue(counted >= Long.parseLong(run.value("written")), counted + " pages counted\n" + run);
    }
}
