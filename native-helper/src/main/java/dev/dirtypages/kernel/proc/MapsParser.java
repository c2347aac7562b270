package dev.dirtypages.kernel.proc;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the text of {@code /proc/<pid>/maps} (proc(5)). Kept apart from reading the file, so that it
 * is tested on fixture text.
 */
public final class MapsParser {
    private MapsParser() {
    }

    /** Every mapping in {@code text}, in the file's (ascending) order. */
    public static List<Mapping> parse(CharSequence text) {
        List<Mapping> out = new ArrayList<>();
        int lineStart = 0;
        int lineNumber = 1;
        int length = text.length();
        while (lineStart < length) {
            int lineEnd = lineStart;
            while (lineEnd < length && text.charAt(lineEnd) != '\n') {
                lineEnd++;
            }
            String line = text.subSequence(lineStart, lineEnd).toString();
            if (!line.isBlank()) {
                out.add(parseLine(line, lineNumber));
            }
            lineStart = lineEnd + 1;
            lineNumber++;
        }
        return out;
    }

    /**
     * One line: {@code start-end perms offset dev inode [path]}. The path may contain spaces; it starts
     * after the inode and the padding that follows it.
     */
    static Mapping parseLine(String line, int lineNumber) {
        try {
            int[] pos = {0};
            String range = token(line, pos);
            String perms = token(line, pos);
            String offset = token(line, pos);
            String device = token(line, pos);
            String inode = token(line, pos);
            int dash = range.indexOf('-');
            if (dash < 0 || perms.length() != 4) {
                throw new IllegalArgumentException("bad range or permissions");
            }
            int p = pos[0];
            while (p < line.length() && line.charAt(p) == ' ') {
                p++;
            }
            return new Mapping(
                    Long.parseUnsignedLong(range.substring(0, dash), 16),
                    Long.parseUnsignedLong(range.substring(dash + 1), 16),
                    perms,
                    Long.parseUnsignedLong(offset, 16),
                    device,
                    Long.parseUnsignedLong(inode),
                    line.substring(p));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("maps line " + lineNumber + " is not 'start-end perms offset dev inode "
                    + "[path]': \"" + line + "\"", e);
        }
    }

    private static String token(String line, int[] pos) {
        int p = pos[0];
        while (p < line.length() && line.charAt(p) == ' ') {
            p++;
        }
        int start = p;
        while (p < line.length() && line.charAt(p) != ' ') {
            p++;
        }
        if (start == p) {
            throw new IllegalArgumentException("missing field");
        }
        pos[0] = p;
        return line.substring(start, p);
    }
}
