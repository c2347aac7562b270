package dev.dirtypages.kernel.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;

/** Reads the small /proc and /sys files the probe and tests consult; parsing lives beside each caller. */
public final class ProcFiles {
    private ProcFiles() {
    }

    /** The file's text, or empty when it cannot be read (absent on this kernel, or not permitted). */
    public static Optional<String> readText(String path) {
        try {
            return Optional.of(new String(Files.readAllBytes(Path.of(path)), StandardCharsets.US_ASCII));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** {@code /proc/meminfo} in bytes (HugePages_* counts as they are). */
    public static Map<String, Long> meminfo() {
        return readText("/proc/meminfo").map(KilobyteTableParser::parse).orElse(Collections.emptyMap());
    }

    /** {@code /proc/self/smaps_rollup} in bytes (AnonHugePages, Rss, ...). */
    public static Map<String, Long> smapsRollupSelf() {
        return readText("/proc/self/smaps_rollup").map(KilobyteTableParser::parse).orElse(Collections.emptyMap());
    }
}
