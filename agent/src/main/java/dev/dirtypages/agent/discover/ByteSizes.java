package dev.dirtypages.agent.discover;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as HotSpot prints them: {@code 512 MB}, {@code 262144K}, {@code 256M}, {@code 1 G}, {@code 4096}.
 * HotSpot's units are binary (K = 1024); {@code KB}/{@code KiB} and friends are read the same way.
 */
final class ByteSizes {
    private static final Pattern SIZE = Pattern.compile(
            "\\s*(\\d+)\\s*(|b|bytes?|[kmgt]|[kmgt]b|[kmgt]ib)\\s*", Pattern.CASE_INSENSITIVE);

    private ByteSizes() {
    }

    /** The number of bytes {@code text} names; {@link IllegalArgumentException} when it is not a size. */
    static long parse(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: \"" + text + "\"");
        }
        long number;
        try {
            number = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size out of range: \"" + text + "\"", e);
        }
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        int shift = unit.isEmpty() ? 0 : switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0; // b, byte, bytes
        };
        if (shift > 0 && number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size out of range: \"" + text + "\"");
        }
        return number << shift;
    }

    /** {@code 256 MiB}, {@code 1.5 GiB}, {@code 12 KiB}, {@code 100 B}. */
    static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return value == Math.rint(value)
                ? String.format(Locale.ROOT, "%d %s", (long) value, units[unit])
                : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
