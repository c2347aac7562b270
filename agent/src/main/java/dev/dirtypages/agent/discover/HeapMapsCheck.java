package dev.dirtypages.agent.discover;

import dev.dirtypages.kernel.proc.Mapping;

import java.util.List;
import java.util.Optional;

/**
 * Checks a heap range against {@code /proc/self/maps}: every byte of a reservation is mapped (PROT_NONE
 * where uncommitted), so a gap means the range is wrong. Only coverage is checked: the heap's mappings
 * may extend past it (its PROT_NONE tail merges with the class space reserved after it), and may be of
 * several kinds (G1 maps CDS archived heap regions from {@code classes.jsa} into its top regions).
 */
final class HeapMapsCheck {
    private HeapMapsCheck() {
    }

    /** Empty when {@code mappings} (in address order) cover {@code [start, end)}; else what is missing. */
    static Optional<String> uncovered(List<Mapping> mappings, long start, long end) {
        long covered = start;
        for (Mapping m : mappings) {
            if (Long.compareUnsigned(covered, end) >= 0) {
                break;
            }
            if (Long.compareUnsigned(m.end(), covered) <= 0) {
                continue;
            }
            if (Long.compareUnsigned(m.start(), covered) > 0) {
                return Optional.of(gap(covered, min(m.start(), end)));
            }
            covered = m.end();
        }
        if (Long.compareUnsigned(covered, end) < 0) {
            return Optional.of(gap(covered, end));
        }
        return Optional.empty();
    }

    private static long min(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    private static String gap(long from, long to) {
        return String.format("[0x%x, 0x%x) is not mapped", from, to);
    }
}
