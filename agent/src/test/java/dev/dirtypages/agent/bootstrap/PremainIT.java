package dev.dirtypages.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.ChildJvm.Result;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -javaagent:dirtypages-agent.jar}: the application runs as it would without the agent. */
class PremainIT {
    @TempDir
    Path dir;

    private ChildJvm trivial(boolean withAgent, String options) {
        ChildJvm jvm = ChildJvm.in(dir).args("-Xmx256m");
        if (withAgent) {
            jvm.agent(options);
        }
        return jvm.args("-cp", ChildJvm.testClasses().toString(), ChildApps.Trivial.class.getName(), "a", "b c");
    }

    @Test
    void applicationOutputAndExitCodeAreUnchanged() throws Exception {
        Result without = trivial(false, null).run();
        Result with = trivial(true, null).run();

        assertEquals(3, without.exitCode(), without::toString);
        assertEquals(without.exitCode(), with.exitCode(), with::toString);
        assertEquals(without.stdout(), with.stdout(), with::toString);
        // The agent's own lines all start with "dirtypages:"; apart from them stderr is the application's.
        assertEquals(without.stderr().lines().collect(Collectors.toList()),
                with.stderr().lines().filter(l -> !l.startsWith("dirtypages:")).collect(Collectors.toList()),
                with::toString);
        assertTrue(with.stderrLines("agent not started").isEmpty(), with::toString);
    }

    @Test
    void withLogOffTheOutputIsExactlyTheApplications() throws Exception {
        Result without = trivial(false, null).run();
        Result with = trivial(true, "log=off").run();

        assertEquals(without.exitCode(), with.exitCode(), with::toString);
        assertEquals(without.stdout(), with.stdout(), with::toString);
        assertEquals(without.stderr(), with.stderr(), with::toString);
    }

    @Test
    void aPremainThatFailsLeavesOneLineAndTheApplicationRunsOn() throws Exception {
        // A broken class in the hidden part: loading it throws ClassFormatError, an Error, not an Exception.
        Path broken = dir.resolve("broken-agent.jar");
        copyReplacing(ChildJvm.agentJar(), broken, "inst/dev/dirtypages/agent/runtime/AgentRuntime.classdata",
                "not a class file".getBytes(StandardCharsets.UTF_8));
        Result without = trivial(false, null).run();
        Result with = ChildJvm.in(dir).args("-Xmx256m", "-javaagent:" + broken)
                .args("-cp", ChildJvm.testClasses().toString(), ChildApps.Trivial.class.getName(), "a", "b c").run();

        assertEquals(without.exitCode(), with.exitCode(), with::toString);
        assertEquals(without.stdout(), with.stdout(), with::toString);
        List<String> agentLines = with.stderr().lines().filter(l -> l.startsWith("dirtypages:"))
                .collect(Collectors.toList());
        assertEquals(1, agentLines.size(), with::toString);
        assertTrue(agentLines.get(0).startsWith("dirtypages: agent not started: java.lang.ClassFormatError"),
                with::toString);
    }

    @Test
    void aJarWithoutItsHiddenPartLeavesOneLineAndTheApplicationRunsOn() throws Exception {
        Path stripped = dir.resolve("stripped-agent.jar");
        copyReplacing(ChildJvm.agentJar(), stripped, "inst/", null);
        Result with = ChildJvm.in(dir).args("-javaagent:" + stripped)
                .args("-cp", ChildJvm.testClasses().toString(), ChildApps.Trivial.class.getName()).run();

        assertEquals(3, with.exitCode(), with::toString);
        assertEquals("trivial app \n", with.stdout().replace(System.lineSeparator(), "\n"), with::toString);
        assertEquals(1, with.stderrLines("dirtypages: agent not started:").size(), with::toString);
    }

    @Test
    void loadedTwiceTheSecondLoadReusesTheFirst() throws Exception {
        Result with = ChildJvm.in(dir).args("-Xmx256m").agent("log=info").agent("log=info")
                .args("-cp", ChildJvm.testClasses().toString(), ChildApps.JnaMappings.class.getName(), "await", "0")
                .run();

        assertEquals(0, with.exitCode(), with::toString);
        assertTrue(with.stderrLines("agent not started").isEmpty(), with::toString);
        assertEquals("1", with.value("jnaLibraries"), with::toString);
    }

    /**
     * Copies a jar, replacing the entry {@code name} by {@code content}; a null content drops every entry
     * whose name starts with {@code name}.
     */
    static void copyReplacing(Path source, Path target, String name, byte[] content) throws IOException {
        try (InputStream fin = Files.newInputStream(source);
             ZipInputStream in = new ZipInputStream(fin);
             OutputStream fout = Files.newOutputStream(target);
             ZipOutputStream out = new ZipOutputStream(fout)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (content == null && e.getName().startsWith(name)) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                if (content != null && e.getName().equals(name)) {
                    out.write(content);
                } else {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }
}
