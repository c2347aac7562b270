package dev.dirtypages.agent.report.model;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Turns a failure to read a recording into one line that names the cause: not a recording, or cut short. */
public final class RecordingProblem {
    /** Every JFR file starts with these bytes. */
    private static final byte[] MAGIC = {'F', 'L', 'R', 0};

    private RecordingProblem() {
    }

    public static String describe(Path file, IOException e) {
        if (e instanceof NoSuchFileException || !Files.exists(file)) {
            return file + " does not exist";
        }
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            return file + " cannot be read";
        }
        if (!startsWithMagic(file)) {
            return file + " is not a JFR recording (it does not start as one)";
        }
        if (e instanceof EOFException || String.valueOf(e.getMessage()).contains("file is only")) {
            return file + " is truncated (it ends in the middle of a chunk): was the JVM killed while writing it? "
                    + "Its repository's complete chunks may still be read";
        }
        return file + " is a damaged JFR recording: " + e.getMessage();
    }

    private static boolean startsWithMagic(Path file) {
        byte[] head = new byte[MAGIC.length];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) != head.length) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
