package dev.dirtypages.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentJarTest {
    @TempDir
    Path dir;

    @Test
    void theNewestApplicableVersionWins() throws Exception {
        Path jar = TestJars.write(dir.resolve("a.jar"), TestJars.hiddenPart());
        try (AgentJar at17 = AgentJar.open(jar, 17); AgentJar at8 = AgentJar.open(jar, 8)) {
            assertEquals("for 11+", new String(at17.read("settings.txt"), StandardCharsets.UTF_8));
            assertEquals("base", new String(at8.read("settings.txt"), StandardCharsets.UTF_8));
            assertEquals("only base", new String(at17.read("only/base.txt"), StandardCharsets.UTF_8));
            assertNull(at17.read("future/Only.class"), "a class only for Java 9999");
            assertEquals(Set.of("dev.dirtypages.agent.bootstrap.testdata"), at17.packages());
            assertNull(at17.read("missing.txt"));
            assertNull(at17.url("missing.txt"));
        }
        try (AgentJar at9999 = AgentJar.open(jar, 9999)) {
            assertEquals("for a Java from the future", new String(at9999.read("settings.txt"), StandardCharsets.UTF_8));
            assertEquals(Set.of("dev.dirtypages.agent.bootstrap.testdata", "future"), at9999.packages());
        }
    }

    @Test
    void theBuildsIndexGivesWhatAWalkGives() throws Exception {
        Path plain = TestJars.write(dir.resolve("plain.jar"), TestJars.hiddenPart());
        Path indexFile = dir.resolve("index");
        AgentJar.main(new String[] {plain.toString(), indexFile.toString()});
        Map<String, byte[]> entries = TestJars.hiddenPart();
        entries.put(AgentJar.INDEX, Files.readAllBytes(indexFile));
        Path indexed = TestJars.write(dir.resolve("indexed.jar"), entries);

        for (int feature : new int[] {8, 17, 25, 9999}) {
            try (AgentJar walked = AgentJar.open(plain, feature); AgentJar read = AgentJar.open(indexed, feature)) {
                assertEquals(walked.packages(), read.packages());
                assertEquals(new String(walked.read("settings.txt"), StandardCharsets.UTF_8),
                        new String(read.read("settings.txt"), StandardCharsets.UTF_8));
                assertEquals(walked.resourceNames(), read.resourceNames());
            }
        }
    }

    @Test
    void theIndexIsWhatTheJarIsTakenFor() throws Exception {
        // With an index, the jar is not walked: a package only the index names is a package of the module.
        Map<String, byte[]> entries = TestJars.hiddenPart();
        entries.put(AgentJar.INDEX, TestJars.bytes("P 0 dev.dirtypages.agent.bootstrap.testdata\nP 0 only.in.index\n"));
        try (AgentJar jar = AgentJar.open(TestJars.write(dir.resolve("i.jar"), entries), 17)) {
            assertEquals(Set.of("dev.dirtypages.agent.bootstrap.testdata", "only.in.index"), jar.packages());
            assertEquals("base", new String(jar.read("settings.txt"), StandardCharsets.UTF_8),
                    "the index lists no versioned entries");
        }
    }
}
