package dev.dirtypages.kernel;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The running kernel's release ({@code uname -r}, as the JVM's {@code os.version}), for messages that
 * tell a kernel too old for a feature from a kernel that has it but refuses it (a seccomp filter, a
 * sandbox).
 */
public final class KernelRelease {
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)");

    private KernelRelease() {
    }

    /** {@code uname -r}, e.g. {@code 6.18.44-generic}; "unknown" when the JVM does not say. */
    public static String current() {
        return System.getProperty("os.version", "unknown");
    }

    /** Whether the running kernel is {@code major.minor} or newer; false when its release cannot be read. */
    public static boolean currentAtLeast(int major, int minor) {
        return atLeast(current(), major, minor);
    }

    /** Whether {@code release} (e.g. {@code 6.18.44-fc}) is {@code major.minor} or newer; false if unreadable. */
    public static boolean atLeast(String release, int major, int minor) {
        Matcher m = VERSION.matcher(release == null ? "" : release);
        if (!m.lookingAt()) {
            return false;
        }
        try {
            int ma = Integer.parseInt(m.group(1));
            int mi = Integer.parseInt(m.group(2));
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
