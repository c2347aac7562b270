package dev.dirtypages.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.bootstrap.Cli.Command;
import dev.dirtypages.agent.bootstrap.Cli.Kind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CliTest {
    @Test
    void pidAloneOrWithOptionsAttaches() {
        Command c = Cli.parse(new String[] {"1234"});
        assertEquals(Kind.ATTACH, c.kind());
        assertEquals("1234", c.pid());
        assertNull(c.options());

        c = Cli.parse(new String[] {"1234", "interval=1s,file=/tmp/a.jfr"});
        assertEquals(Kind.ATTACH, c.kind());
        assertEquals("interval=1s,file=/tmp/a.jfr", c.options());
    }

    @Test
    void probeTakesNoArguments() {
        assertEquals(Kind.PROBE, Cli.parse(new String[] {"probe"}).kind());
        assertEquals(Kind.USAGE_ERROR, Cli.parse(new String[] {"probe", "x"}).kind());
    }

    @Test
    void reportPassesTheRestOn() {
        Command c = Cli.parse(new String[] {"report", "a.jfr", "-o", "a.html"});
        assertEquals(Kind.REPORT, c.kind());
        assertArrayEquals(new String[] {"a.jfr", "-o", "a.html"}, c.rest());
    }

    @Test
    void summaryPassesTheRestOn() {
        Command c = Cli.parse(new String[] {"summary", "a.jfr"});
        assertEquals(Kind.SUMMARY, c.kind());
        assertArrayEquals(new String[] {"a.jfr"}, c.rest());
        assertArrayEquals(new String[0], Cli.parse(new String[] {"summary"}).rest());
    }

    @Test
    void anythingElseIsAUsageError() {
        for (String[] args : new String[][] {{}, {"bogus"}, {"12a"}, {"-5"}, {"0"}, {"12345678901"},
                {"1234", "a", "b"}, {"--help", "more"}, {""}}) {
            assertEquals(Kind.USAGE_ERROR, Cli.parse(args).kind(), String.join(" ", args));
        }
    }

    @Test
    void helpIsNotAnError() {
        for (String arg : new String[] {"-h", "--help", "help"}) {
            assertEquals(Kind.HELP, Cli.parse(new String[] {arg}).kind());
        }
    }

    @Test
    void usageErrorsExitWithTwoAndPrintTheUsageOnStderr() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"what"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage: java -jar dirtypages-agent.jar <pid> [options]"));
    }

    @Test
    void helpExitsWithZeroAndPrintsTheUsageOnStdout() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: "));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }
}
