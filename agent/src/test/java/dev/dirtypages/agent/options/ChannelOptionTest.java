package dev.dirtypages.agent.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code channel=<directory>}: off by default, a directory whose parent exists and whose socket path fits. */
class ChannelOptionTest {
    @TempDir
    Path dir;

    @Test
    void offByDefault() {
        assertEquals(Optional.empty(), AgentOptions.defaults().channel());
        assertTrue(!AgentOptions.defaults().describe().contains("channel"));
    }

    @Test
    void aDirectoryToBeCreatedOrAnExistingOne() throws IOException {
        Path missing = dir.resolve("sockets");
        ParsedOptions parsed = OptionsParser.parse("channel=" + missing);
        assertTrue(parsed.ok(), parsed.errors().toString());
        assertEquals(Optional.of(missing), parsed.options().channel());
        assertEquals(parsed.options(), OptionsParser.parse(parsed.options().describe()).options());
        Files.createDirectory(missing);
        assertTrue(OptionsParser.parse("channel=" + missing).ok());
    }

    @Test
    void problemsAreNamed() throws IOException {
        assertError("channel=", "needs a directory");
        assertError("channel=" + dir.resolve("no/such"), "does not exist");
        assertError("channel=" + Files.createFile(dir.resolve("plain")), "is not a directory");
        assertError("channel=" + dir.resolve("d".repeat(100)), "too long for a Unix socket");
    }

    private static void assertError(String raw, String expected) {
        ParsedOptions parsed = OptionsParser.parse(raw);
        assertEquals(1, parsed.errors().size(), parsed.errors().toString());
        assertTrue(parsed.errors().get(0).startsWith("option channel=") && parsed.errors().get(0).contains(expected),
                parsed.errors().get(0));
    }
}
