package dev.dirtypages.kernel.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code /proc/<pid>/maps}; the parsing is {@link MapsParser}'s. */
public final class ProcMaps {
    private ProcMaps() {
    }

    /** This process's mappings. */
    public static List<Mapping> self() {
        return read(Path.of("/proc/self/maps"));
    }

    /** Another process's mappings. */
    public static List<Mapping> of(int pid) {
        return read(Path.of("/proc/" + pid + "/maps"));
    }

    static List<Mapping> read(Path path) {
        try {
            // /proc files report size 0; readAllBytes reads to EOF regardless.
            return MapsParser.parse(new String(Files.readAllBytes(path), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** The mappings that overlap {@code [start, end)}, in address order. */
    public static List<Mapping> overlapping(List<Mapping> mappings, long start, long end) {
        List<Mapping> out = new ArrayList<>();
        for (Mapping m : mappings) {
            if (Long.compareUnsigned(m.end(), start) > 0 && Long.compareUnsigned(m.start(), end) < 0) {
                out.add(m);
            }
        }
        return out;
    }

    /** How many VMAs this process has: what {@code vm.max_map_count} limits. */
    public static int countSelf() {
        return self().size();
    }
}
