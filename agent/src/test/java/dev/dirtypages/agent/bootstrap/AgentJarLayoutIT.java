package dev.dirtypages.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** target/dirtypages-agent.jar: one self-contained jar whose visible part is the entry class and the bootstrap. */
class AgentJarLayoutIT {
    @Test
    void manifestNamesTheEntryPoints() throws Exception {
        try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("dev.dirtypages.agent.DirtyPagesAgent", main.getValue("Premain-Class"));
            assertEquals("dev.dirtypages.agent.DirtyPagesAgent", main.getValue("Agent-Class"));
            assertEquals("dev.dirtypages.agent.DirtyPagesAgent", main.getValue("Main-Class"));
            assertEquals("true", main.getValue("Can-Retransform-Classes"));
        }
    }

    @Test
    void theIndexMatchesTheJar() throws Exception {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(ChildJvm.agentJar().toFile());
             java.io.InputStream in = zip.getInputStream(zip.getEntry(AgentJar.INDEX))) {
            AgentJar.Index walked = AgentJar.Index.scan(zip);
            AgentJar.Index read = AgentJar.Index.read(in);
            assertEquals(walked.packages, read.packages);
            assertEquals(walked.versions, read.versions);
            assertTrue(read.packages.containsKey("com.sun.jna"));
        }
    }

    @Test
    void onlyTheEntryClassAndTheBootstrapAreVisible() throws Exception {
        List<String> misplaced = new ArrayList<>();
        try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
            for (ZipEntry e : Collections.list(jar.entries())) {
                String name = e.getName();
                boolean ok = e.isDirectory()
                        || name.equals("META-INF/MANIFEST.MF")
                        || name.startsWith("META-INF/licenses/")
                        || name.matches("dev/dirtypages/agent/DirtyPagesAgent(\\$.*)?\\.class")
                        || name.matches("dev/dirtypages/agent/bootstrap/[^/]+\\.class")
                        || (name.startsWith("inst/") && !name.endsWith(".class"));
                if (!ok) {
                    misplaced.add(name);
                }
            }
            assertEquals(List.of(), misplaced);
            for (String hidden : List.of(
                    "inst/dev/dirtypages/agent/runtime/AgentRuntime.classdata",
                    "inst/dev/dirtypages/agent/report/RecordingSummary.classdata",
                    "inst/dev/dirtypages/agent/bootstrap/isolated/NativeAccessGrant.classdata",
                    "inst/dev/dirtypages/kernel/probe/CapabilityProbe.classdata",
                    "inst/com/sun/jna/Native.classdata",
                    "inst/com/sun/jna/linux-x86-64/libjnidispatch.so",
                    "inst/dev/dirtypages/kernel/gcpause/linux-amd64/libdirtypages-gcpause.so",
                    "inst/net/bytebuddy/ByteBuddy.classdata",
                    "inst/net/bytebuddy/agent/ByteBuddyAgent.classdata",
                    "inst/dirtypages.jfc",
                    AgentJar.INDEX)) {
                assertTrue(jar.getEntry(hidden) != null, hidden + " is missing");
            }
        }
    }
}
