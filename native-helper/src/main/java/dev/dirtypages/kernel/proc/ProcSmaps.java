package dev.dirtypages.kernel.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code VmFlags} of each VMA from {@code /proc/<pid>/smaps}; the parsing is
 * {@link SmapsParser}'s. Costlier than {@code maps} (the kernel walks each VMA's page tables to count
 * its pages): read it when the flags are needed, not on a timer.
 */
public final class ProcSmaps {
    private ProcSmaps() {
    }

    /** This process's VMAs with their flags. */
    public static List<VmaFlags> flagsSelf() {
        Path path = Path.of("/proc/self/smaps");
        try {
            return SmapsParser.flags(new String(Files.readAllBytes(path), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /**
     * The parts of {@code [start, end)} registered with a userfaultfd, clipped to the range and with
     * neighbours joined, in address order: {@code {start, end}} pairs.
     */
    public static List<long[]> userfaultfdRegistered(List<VmaFlags> vmas, long start, long end) {
        List<long[]> out = new ArrayList<>();
        for (VmaFlags v : vmas) {
            if (!v.userfaultfdRegistered()
                    || Long.compareUnsigned(v.end(), start) <= 0 || Long.compareUnsigned(v.start(), end) >= 0) {
                continue;
            }
            long s = Long.compareUnsigned(v.start(), start) < 0 ? start : v.start();
            long e = Long.compareUnsigned(v.end(), end) > 0 ? end : v.end();
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last[1] == s) {
                last[1] = e;
            } else {
                out.add(new long[] {s, e});
            }
        }
        return out;
    }
}
