package dev.dirtypages.kernel.proc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the {@code Key:   value [kB]} tables of {@code /proc/meminfo}, {@code /proc/<pid>/smaps_rollup}
 * and {@code /proc/<pid>/status}. Values with a {@code kB} unit are returned in bytes; others as they are.
 * Lines that are not of that form (the header of {@code smaps_rollup}) are skipped.
 */
public final class KilobyteTableParser {
    private KilobyteTableParser() {
    }

    public static Map<String, Long> parse(CharSequence text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text.toString().split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            if (key.chars().anyMatch(Character::isWhitespace)) {
                continue; // no key has a blank: this is a header such as smaps' "start-end perms offset 00:00 ..."
            }
            String[] value = line.substring(colon + 1).trim().split("\\s+");
            if (value.length == 0 || value[0].isEmpty()) {
                continue;
            }
            long number;
            try {
                number = Long.parseLong(value[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            boolean kilobytes = value.length > 1 && value[1].equalsIgnoreCase("kB");
            out.put(key, kilobytes ? number * 1024 : number);
        }
        return out;
    }
}
