package dev.dirtypages.kernel.proc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses the VMA headers and {@code VmFlags:} lines of {@code /proc/<pid>/smaps} (proc(5)); the other
 * fields are skipped. Kept apart from reading the file, so that it is tested on fixture text.
 */
public final class SmapsParser {
    private SmapsParser() {
    }

    /** Each VMA of {@code text} with its flags, in the file's (ascending) order. */
    public static List<VmaFlags> flags(CharSequence text) {
        List<VmaFlags> out = new ArrayList<>();
        long start = 0;
        long end = 0;
        boolean inVma = false;
        Set<String> flags = Set.of();
        int lineNumber = 0;
        for (String line : text.toString().split("\n")) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            if (isHeader(line)) {
                if (inVma) {
                    out.add(new VmaFlags(start, end, flags));
                }
                Mapping m = MapsParser.parseLine(line, lineNumber);
                start = m.start();
                end = m.end();
                flags = Set.of();
                inVma = true;
            } else if (line.startsWith("VmFlags:") && inVma) {
                Set<String> parsed = new HashSet<>();
                for (String flag : line.substring("VmFlags:".length()).trim().split("\\s+")) {
                    if (!flag.isEmpty()) {
                        parsed.add(flag);
                    }
                }
                flags = parsed;
            }
        }
        if (inVma) {
            out.add(new VmaFlags(start, end, flags));
        }
        return out;
    }

    /** A VMA header starts with {@code hex-hex }; field lines start with a name and a colon. */
    private static boolean isHeader(String line) {
        int dash = line.indexOf('-');
        int space = line.indexOf(' ');
        if (dash <= 0 || space <= dash + 1) {
            return false;
        }
        for (int i = 0; i < space; i++) {
            char c = line.charAt(i);
            if (i != dash && Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
