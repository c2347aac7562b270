package dev.dirtypages.agent.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Memory that another userfaultfd (the application's own, or another tool's) registered before the
 * agent: the kernel refuses to register it again (EBUSY), and the agent must not scan it either (a
 * write-protect scan would re-arm the owner's pages and hide its writes from it). The agent tracks the
 * rest of a region, around those parts.
 */
final class ForeignRegistrations {
    private ForeignRegistrations() {
    }

    /**
     * The parts of {@code [start, end)} outside {@code foreign} (sorted, disjoint {@code {start, end}}
     * pairs, as {@code ProcSmaps.userfaultfdRegistered} gives them), in address order.
     */
    static List<long[]> around(long start, long end, List<long[]> foreign) {
        List<long[]> out = new ArrayList<>();
        long cursor = start;
        for (long[] f : foreign) {
            long s = Math.max(f[0], start);
            long e = Math.min(f[1], end);
            if (e <= s) {
                continue;
            }
            if (s > cursor) {
                out.add(new long[] {cursor, s});
            }
            cursor = Math.max(cursor, e);
        }
        if (cursor < end) {
            out.add(new long[] {cursor, end});
        }
        return out;
    }

    /** {@code "4 MiB at [0x..., 0x...)"}, or several joined with ", ". */
    static String describe(List<long[]> parts) {
        StringBuilder out = new StringBuilder();
        long total = 0;
        for (long[] p : parts) {
            total += p[1] - p[0];
        }
        out.append(size(total)).append(" at ");
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            if (i == 8) {
                out.append("and ").append(parts.size() - 8).append(" more");
                break;
            }
            out.append(String.format("[0x%x, 0x%x)", parts.get(i)[0], parts.get(i)[1]));
        }
        return out.toString();
    }

    private static String size(long bytes) {
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        return (bytes >> 10) + " KiB";
    }
}
