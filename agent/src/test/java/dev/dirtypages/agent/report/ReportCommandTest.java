package dev.dirtypages.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.events.ScanEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report}: the page for a good recording, one clear line and a non-zero exit for a bad one. */
class ReportCommandTest {
    @TempDir
    Path dir;

    record Outcome(int exit, String out, String err) {
        /** One line on stderr, naming the file, and no stack trace. */
        void assertOneLineFailure(String cause) {
            assertEquals(1, exit, this::toString);
            assertEquals("", out, this::toString);
            assertEquals(1, err.lines().count(), this::toString);
            assertTrue(err.startsWith("dirtypages: "), this::toString);
            assertTrue(err.contains(cause), this::toString);
            assertFalse(err.contains("Exception") || err.contains("\tat "), this::toString);
        }
    }

    private static Outcome report(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ReportCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path scans(String name, int count) throws Exception {
        Path file = dir.resolve(name);
        try (Recording r = new Recording()) {
            r.enable("dirtypages.Scan");
            r.start();
            for (int i = 1; i <= count; i++) {
                ScanEvent s = new ScanEvent();
                s.scanId = i;
                s.trigger = "timer";
                s.interval = 1_000_000;
                s.commit();
            }
            r.stop();
            r.dump(file);
        }
        return file;
    }

    @Test
    void writesTheReportBesideTheRecordingAndPrintsItsPath() throws Exception {
        Path jfr = scans("app.jfr", 3);
        Outcome o = report(jfr.toString());
        assertEquals(0, o.exit(), o::toString);
        assertEquals(dir.resolve("app.html").toString(), o.out().trim());
        String html = Files.readString(dir.resolve("app.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
    }

    @Test
    void writesWhereMinusOSays() throws Exception {
        Path html = dir.resolve("elsewhere.html");
        Outcome o = report(scans("app.jfr", 2).toString(), "-o", html.toString());
        assertEquals(0, o.exit(), o::toString);
        assertTrue(Files.size(html) > 0);
    }

    @Test
    void aFileThatIsNotARecordingIsOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.jfr"), "these are not the events you are looking for\n");
        report(file.toString()).assertOneLineFailure("is not a JFR recording");
    }

    @Test
    void aRecordingWithoutDirtypagesEventsIsOneLine() throws Exception {
        Path file = dir.resolve("plain.jfr");
        try (Recording r = new Recording()) {
            r.start();
            r.stop();
            r.dump(file);
        }
        report(file.toString()).assertOneLineFailure("has no dirtypages events");
    }

    @Test
    void aTruncatedRecordingIsOneLine() throws Exception {
        byte[] whole = Files.readAllBytes(scans("whole.jfr", 200));
        for (int length : new int[] {20, 100, whole.length / 3, whole.length * 2 / 3, whole.length - 1}) {
            Path cut = Files.write(dir.resolve("cut-" + length + ".jfr"), Arrays.copyOf(whole, length));
            report(cut.toString()).assertOneLineFailure("is truncated");
        }
    }

    @Test
    void anEmptyFileIsOneLine() throws Exception {
        report(Files.createFile(dir.resolve("empty.jfr")).toString()).assertOneLineFailure("is empty");
    }

    @Test
    void aMissingFileIsOneLine() {
        report(dir.resolve("missing.jfr").toString()).assertOneLineFailure("does not exist");
    }

    @Test
    void wrongArgumentsPrintTheUsage() {
        for (String[] args : new String[][] {{}, {"a.jfr", "b.jfr"}, {"a.jfr", "-o"}, {"--bogus"}}) {
            Outcome o = report(args);
            assertEquals(2, o.exit(), o::toString);
            assertTrue(o.err().startsWith("usage: "), o::toString);
        }
    }
}
