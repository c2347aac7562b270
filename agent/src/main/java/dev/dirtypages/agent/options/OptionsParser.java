package dev.dirtypages.agent.options;

import dev.dirtypages.agent.log.LogLevel;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the agent's option string ({@code key=value,...}) into {@link ParsedOptions}. Never throws:
 * every problem becomes one line that names the option and what would be valid.
 */
public final class OptionsParser {
    static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    static final Duration MAX_INTERVAL = Duration.ofHours(1);
    static final int MAX_RANGES_LIMIT = 1_000_000;
    /** {@code sizeof(sockaddr_un.sun_path)} on Linux, less the terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;
    static final int MAX_SCAN_COUNT = 1000;
    static final long MIN_STRIPE = 4096;
    static final long MAX_STRIPE = 1L << 30;

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmg]?)");

    private OptionsParser() {
    }

    /** Parses {@code raw}; {@code null} or blank gives the defaults. */
    public static ParsedOptions parse(String raw) {
        AgentOptions d = AgentOptions.defaults();
        Duration interval = d.interval();
        Set<RegionKind> regions = d.regions();
        Optional<Path> file = d.file();
        LogLevel log = d.log();
        int maxRanges = d.maxRanges();
        long merge = d.mergeGapBytes();
        Optional<Path> channel = d.channel();
        ArmingPolicy.Mode arming = d.arming().mode();
        long stripe = d.arming().stripeBytes();
        int assumeAfter = d.arming().assumeAfter();
        int assumeFor = d.arming().assumeFor();
        boolean gcEpochs = d.gcEpochs();
        List<String> errors = new ArrayList<>();
        if (raw == null || raw.isBlank()) {
            return new ParsedOptions(d, errors);
        }
        Set<String> seen = new HashSet<>();
        for (String item : raw.split(",", -1)) {
            String trimmed = item.trim();
            if (trimmed.isEmpty()) {
                String error = "empty option in '" + raw + "' (options are key=value separated by ','; valid: "
                        + Option.validKeys() + ")";
                if (!errors.contains(error)) {
                    errors.add(error);
                }
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq <= 0) {
                errors.add("option '" + trimmed + "' is not key=value (valid options: " + Option.validKeys() + ")");
                continue;
            }
            String key = trimmed.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = trimmed.substring(eq + 1).trim();
            Option option = find(key);
            if (option == null) {
                errors.add("unknown option '" + key + "' (valid options: " + Option.validKeys() + ")");
                continue;
            }
            if (!seen.add(key)) {
                errors.add("option '" + key + "' is given more than once");
                continue;
            }
            try {
                switch (option) {
                    case INTERVAL:
                        interval = parseInterval(value);
                        break;
                    case REGIONS:
                        regions = parseRegions(value);
                        break;
                    case FILE:
                        file = Optional.of(parseFile(value));
                        break;
                    case LOG:
                        log = parseLog(value);
                        break;
                    case MAX_RANGES:
                        maxRanges = (int) parseBoundedLong(value, 0, MAX_RANGES_LIMIT);
                        break;
                    case MERGE:
                        merge = parseSize(value);
                        break;
                    case CHANNEL:
                        channel = Optional.of(parseChannel(value));
                        break;
                    case ARMING:
                        arming = parseArming(value);
                        break;
                    case STRIPE:
                        stripe = parseStripe(value);
                        break;
                    case ASSUME_AFTER:
                        assumeAfter = (int) parseBoundedLong(value, 1, MAX_SCAN_COUNT);
                        break;
                    case ASSUME_FOR:
                        assumeFor = (int) parseBoundedLong(value, 1, MAX_SCAN_COUNT);
                        break;
                    case GC_EPOCHS:
                        gcEpochs = parseBoolean(value);
                        break;
                    default:
                        throw new IllegalStateException("unhandled option " + option);
                }
            } catch (IllegalArgumentException e) {
                errors.add("option " + key + "=" + value + ": " + e.getMessage());
            }
        }
        return new ParsedOptions(new AgentOptions(interval, regions, file, log, maxRanges, merge, channel,
                new ArmingPolicy(arming, stripe, assumeAfter, assumeFor), gcEpochs), errors);
    }

    private static Option find(String key) {
        for (Option o : Option.values()) {
            if (o.key().equals(key)) {
                return o;
            }
        }
        return null;
    }

    static Duration parseInterval(String value) {
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a whole number with a unit ms, s, m or h (e.g. 200ms, 1s)");
        }
        if (m.group(1).length() > 12) {
            throw new IllegalArgumentException("must be between 10ms and 1h");
        }
        long n = Long.parseLong(m.group(1));
        Duration d;
        switch (m.group(2)) {
            case "ms":
                d = Duration.ofMillis(n);
                break;
            case "s":
                d = Duration.ofSeconds(n);
                break;
            case "m":
                d = Duration.ofMinutes(Math.min(n, 1_000_000));
                break;
            default:
                d = Duration.ofHours(Math.min(n, 1_000_000));
        }
        if (d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("must be between 10ms and 1h");
        }
        return d;
    }

    static Set<RegionKind> parseRegions(String value) {
        Set<RegionKind> out = EnumSet.noneOf(RegionKind.class);
        if (value.isEmpty()) {
            return out;
        }
        for (String name : value.split("\\+", -1)) {
            String n = name.trim();
            if (n.equalsIgnoreCase(RegionKind.ALL)) {
                out.addAll(EnumSet.allOf(RegionKind.class));
                continue;
            }
            Optional<RegionKind> kind = RegionKind.fromOptionName(n);
            if (kind.isEmpty()) {
                StringBuilder valid = new StringBuilder();
                for (RegionKind k : RegionKind.values()) {
                    valid.append(valid.length() == 0 ? "" : ", ").append(k.optionName());
                }
                valid.append(", ").append(RegionKind.ALL);
                throw new IllegalArgumentException("unknown region kind '" + n + "' (valid: " + valid
                        + "; join several with '+')");
            }
            out.add(kind.get());
        }
        return out;
    }

    static Path parseFile(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("needs a path to a .jfr file");
        }
        Path path;
        try {
            path = Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path (" + e.getReason() + ")");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException("is a directory; name a file, e.g. " + path.resolve("dirtypages.jfr"));
        }
        Path parent = path.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("directory " + parent + " does not exist");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new IllegalArgumentException("is not a regular file (a device, pipe or socket); name a .jfr file");
        }
        String why = unwritableBecause(path);
        if (why != null) {
            throw new IllegalArgumentException("cannot be written by this process (" + why + ")");
        }
        return path;
    }

    /**
     * Why {@code path} cannot be written, found by trying (permission bits do not tell: root ignores them,
     * and a read-only or special file system refuses whatever they say): an existing file is opened for
     * writing without truncating it, a new one is created and deleted again. Null when it can be written.
     */
    static String unwritableBecause(Path path) {
        try {
            if (Files.exists(path)) {
                FileChannel.open(path, StandardOpenOption.WRITE).close();
            } else {
                Files.createFile(path);
                Files.delete(path);
            }
            return null;
        } catch (AccessDeniedException e) {
            return "permission denied";
        } catch (NoSuchFileException e) {
            return "no such file or directory";
        } catch (FileSystemException e) {
            return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return e.toString();
        }
    }

    /**
     * The channel's directory: its parent must exist; whether only its owner may enter it is checked when
     * the channel opens (dev.dirtypages.agent.channel.ChannelDirectory). The socket's path must fit a
     * {@code sockaddr_un}.
     */
    static Path parseChannel(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("needs a directory for the channel's socket");
        }
        Path path;
        try {
            path = Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path (" + e.getReason() + ")");
        }
        Path parent = path.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("directory " + parent + " does not exist");
        }
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new IllegalArgumentException("is not a directory");
        }
        int longest = path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + "/dirtypages-4194304.sock".length();
        if (longest > MAX_SOCKET_PATH) {
            throw new IllegalArgumentException("is too long for a Unix socket's path (the socket's path may have at most "
                    + MAX_SOCKET_PATH + " bytes); choose a shorter directory");
        }
        return path;
    }

    static ArmingPolicy.Mode parseArming(String value) {
        for (ArmingPolicy.Mode mode : ArmingPolicy.Mode.values()) {
            if (mode.optionName().equals(value.toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new IllegalArgumentException("expected collector, plain or adaptive");
    }

    static boolean parseBoolean(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new IllegalArgumentException("expected true or false");
        }
    }

    static long parseStripe(String value) {
        long bytes = parseSize(value);
        if (bytes < MIN_STRIPE || bytes > MAX_STRIPE || Long.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("expected a power of two from 4k to 1g (e.g. 2m)");
        }
        return bytes;
    }

    static LogLevel parseLog(String value) {
        try {
            return LogLevel.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected off, error, warn, info or debug");
        }
    }

    static long parseBoundedLong(String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number from " + min + " to " + max);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("expected a whole number from " + min + " to " + max);
        }
        return n;
    }

    static long parseSize(String value) {
        Matcher m = SIZE.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size in bytes, optionally with a unit k, m or g (e.g. 64k)");
        }
        if (m.group(1).length() > 15) {
            throw new IllegalArgumentException("must be at most 1t");
        }
        long n = Long.parseLong(m.group(1));
        int shift = m.group(2).isEmpty() ? 0 : "kmg".indexOf(m.group(2)) * 10 + 10;
        if (n > (Long.MAX_VALUE >> 30) || (n << shift) > (1L << 40)) {
            throw new IllegalArgumentException("must be at most 1t");
        }
        return n << shift;
    }

    /** {@code 2m}, {@code 64k}, {@code 1000}: the shortest exact form of a size in bytes. */
    public static String formatSize(long bytes) {
        for (int shift = 30; shift >= 10; shift -= 10) {
            if (bytes != 0 && bytes % (1L << shift) == 0) {
                return (bytes >> shift) + "gmk".substring((30 - shift) / 10, (30 - shift) / 10 + 1);
            }
        }
        return Long.toString(bytes);
    }

    /** {@code 1s}, {@code 200ms}: the shortest exact form of {@code d}. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
