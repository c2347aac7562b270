package dev.dirtypages.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.ChildJvm.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application with its own, different JNA and ByteBuddy on its class path runs with the agent: both
 * libraries work, both JNA native libraries are loaded side by side (one extracted copy each), and none
 * of the agent's classes is visible to the application.
 */
class OwnLibrariesIT {
    @TempDir
    Path dir;

    private Result runOwnLibraries(String... jvmArgs) throws Exception {
        Path jna = ChildJvm.existing("dirtypages.it.jna");
        Path byteBuddy = ChildJvm.existing("dirtypages.it.byteBuddy");
        return ChildJvm.in(dir).args("-Xmx256m").args(jvmArgs).agent(null)
                .args("-cp", ChildJvm.classPath(ChildJvm.testClasses(), jna, byteBuddy),
                        ChildApps.OwnLibraries.class.getName())
                .run();
    }

    @Test
    void theApplicationsLibrariesWorkAndTheAgentsAreInvisible() throws Exception {
        Path jna = ChildJvm.existing("dirtypages.it.jna");
        Path byteBuddy = ChildJvm.existing("dirtypages.it.byteBuddy");
        Result r = runOwnLibraries();

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stderrLines("agent not started").isEmpty(), r::toString);
        assertEquals("false", r.value("agentRuntimeVisible"), r::toString);
        assertEquals("false", r.value("nativeHelperVisible"), r::toString);
        assertEquals("false", r.value("byteBuddyAgentVisible"), r::toString);
        assertEquals("false", r.value("agentResourceVisible"), r::toString);

        assertEquals("true", r.value("jnaGetpid"), r::toString);
        assertTrue(r.value("jnaFrom").endsWith("/" + jna.getFileName()), r::toString);
        assertTrue(r.value("jnaResourceFrom").contains(jna.getFileName().toString()), r::toString);
        assertEquals("made by the app's ByteBuddy", r.value("byteBuddyToString"), r::toString);
        assertTrue(r.value("byteBuddyFrom").endsWith("/" + byteBuddy.getFileName()), r::toString);
        // The agent loaded its JNA in premain, the application its own afterwards: two extracted copies.
        assertEquals("2", r.value("jnaLibraries"), r::toString);
    }

    @Test
    void theApplicationsNativeAccessIsLeftAsTheUserSetIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ChildJvm.javaFeature() >= 24, "JNI warnings are JDK 24+");
        Path jna = ChildJvm.existing("dirtypages.it.jna");
        Result r = runOwnLibraries();

        // The JDK still warns about the application's own JNA: the agent granted native access to its own
        // module only, not to the class path (which has one flag for all unnamed modules).
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("com.sun.jna.Native in an unnamed module"), r::toString);
        assertTrue(r.stderr().contains(jna.getFileName().toString()), r::toString);
        assertFalse(r.stderr().contains(ChildJvm.agentJar().getFileName().toString()), r::toString);
        assertFalse(r.stderr().contains(IsolatedWorld.MODULE), r::toString);

        Result granted = runOwnLibraries("--enable-native-access=ALL-UNNAMED");
        assertEquals(0, granted.exitCode(), granted::toString);
        assertTrue(granted.warnings().isEmpty(), granted::toString);
    }
}
