package dev.dirtypages.agent.report.model;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
        if (isEmpty(file)) {
            return file + " is empty: was the JVM that was to write it killed before it could?";
        }
        if (!startsWithMagic(file)) {
            return file + " is not a JFR recording (it does not start as one)";
        }
        // JDK 25's parser says a chunk the JVM was still writing is "stuck in locked stream state"
        if (e instanceof EOFException || cutShort(file) || String.valueOf(e.getMessage()).contains("locked stream")) {
            return file + " is truncated (it ends in the middle of a chunk): was the JVM killed while writing it? "
                    + "Its repository's complete chunks may still be read";
        }
        return file + " is a damaged JFR recording: " + e.getMessage();
    }

    /**
     * Whether a chunk of the file claims more bytes than the file has, or is still being written (size 0): the
     * chunk header's size field, a big-endian long at byte 8, walked from chunk to chunk.
     */
    static boolean cutShort(Path file) {
        try (FileChannel channel = FileChannel.open(file)) {
            long length = channel.size();
            long at = 0;
            ByteBuffer header = ByteBuffer.allocate(16);
            while (at < length) {
                header.clear();
                if (channel.read(header, at) < 16) {
                    return true;
                }
                long size = header.getLong(8);
                if (size <= 0 || at + size > length) {
                    return true;
                }
                at += size;
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isEmpty(Path file) {
        try {
            return Files.size(file) == 0;
        } catch (IOException e) {
            return false;
        }
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
