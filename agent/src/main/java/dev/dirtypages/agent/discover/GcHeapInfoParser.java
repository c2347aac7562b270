package dev.dirtypages.agent.discover;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the heap's reserved range from the output of {@code GC.heap_info} (DiagnosticCommand operation
 * {@code gcHeapInfo}), one format per collector, as printed by JDK 17 and 25:
 *
 * <pre>
 * G1 (17):   " garbage-first heap   total 262144K, used 8925K [0x00000000f0000000, 0x0000000100000000)"
 * G1 (25):   "garbage-first heap   total reserved 262144K, committed 34816K, used ... [start, end)"
 *            [start, end) is the reserved range.
 * Parallel:  "PSYoungGen      total 16896K, used 1173K [low, high, high_boundary)"
 *            "ParOldGen       total 11264K, used 5756K [low, high, high_boundary)"
 * Serial:    "def new generation   total ... [low, high, high_boundary)"  (25: "DefNew")
 *            "tenured generation   total ... [low, high, high_boundary)"  (25: "Tenured")
 *            each generation reserves [low, high_boundary); the two abut and together are the heap.
 * Shenandoah: "Reserved region:" then " - [start, end)"
 * </pre>
 *
 * ZGC prints no range; Epsilon prints only the committed part of its space. Every method throws
 * {@link IllegalArgumentException} with the reason when the text is not in the expected shape.
 */
final class GcHeapInfoParser {
    private static final Pattern BRACKET = Pattern.compile("\\[([^\\[\\]()]*)[)\\]]");
    private static final Pattern ADDRESS = Pattern.compile("0x\\p{XDigit}{1,16}");
    private static final Pattern TOTAL = Pattern.compile("\\btotal\\b");
    private static final Pattern G1_TOTAL_RESERVED = Pattern.compile("\\btotal reserved\\s+(\\d+\\s*[KMGT]?)");

    private GcHeapInfoParser() {
    }

    /** The reserved range {@code collector}'s output names. */
    static HeapRange parse(Collector collector, String text) {
        return switch (collector) {
            case G1 -> g1(text);
            case PARALLEL, SERIAL -> generations(collector, text);
            case SHENANDOAH -> shenandoah(text);
            case Z -> throw new IllegalArgumentException("ZGC's GC.heap_info prints no address range");
            case EPSILON -> throw new IllegalArgumentException(
                    "Epsilon's GC.heap_info prints only the committed part of its space, not the reservation");
        };
    }

    static HeapRange g1(String text) {
        for (String line : lines(text)) {
            if (!line.strip().startsWith("garbage-first heap")) {
                continue;
            }
            long[] range = lastBracket(line, 2, "the 'garbage-first heap' line");
            HeapRange heap = new HeapRange(range[0], range[1], Collector.G1.displayName);
            Matcher reserved = G1_TOTAL_RESERVED.matcher(line);
            if (reserved.find() && ByteSizes.parse(reserved.group(1)) != heap.length()) {
                throw new IllegalArgumentException("the 'garbage-first heap' line states 'total reserved "
                        + reserved.group(1) + "' but its range [" + hex(range[0]) + ", " + hex(range[1])
                        + ") holds " + heap.length() + " bytes");
            }
            return heap;
        }
        throw new IllegalArgumentException("no 'garbage-first heap' line");
    }

    /** Parallel and Serial: two generations, each {@code [low, high, high_boundary)}, abutting. */
    static HeapRange generations(Collector collector, String text) {
        List<long[]> generations = new ArrayList<>();
        for (String line : lines(text)) {
            // A generation's line says "total"; its spaces' lines ("eden space ...", "the space ...") do not.
            if (!TOTAL.matcher(line).find() || !BRACKET.matcher(line).find()) {
                continue;
            }
            long[] g = lastBracket(line, 3, "the generation line \"" + line.strip() + "\"");
            if (Long.compareUnsigned(g[0], g[1]) > 0 || Long.compareUnsigned(g[1], g[2]) > 0) {
                throw new IllegalArgumentException("the generation line \"" + line.strip()
                        + "\" is not [low, high, high_boundary)");
            }
            generations.add(g);
        }
        if (generations.size() != 2) {
            throw new IllegalArgumentException("expected a young and an old generation line ('total ... [low, high, "
                    + "high_boundary)'), found " + generations.size());
        }
        generations.sort(Comparator.comparing(g -> g[0], Long::compareUnsigned));
        long[] lower = generations.get(0);
        long[] upper = generations.get(1);
        if (lower[2] != upper[0]) {
            throw new IllegalArgumentException("the generations [" + hex(lower[0]) + ", " + hex(lower[2]) + ") and ["
                    + hex(upper[0]) + ", " + hex(upper[2]) + ") do not abut");
        }
        return new HeapRange(lower[0], upper[2], collector.displayName);
    }

    static HeapRange shenandoah(String text) {
        List<String> lines = lines(text);
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("Reserved region:")) {
                continue;
            }
            for (int j = i + 1; j < lines.size(); j++) {
                String next = lines.get(j).strip();
                if (!next.isEmpty()) {
                    long[] range = lastBracket(next, 2, "the line after 'Reserved region:'");
                    return new HeapRange(range[0], range[1], Collector.SHENANDOAH.displayName);
                }
            }
        }
        throw new IllegalArgumentException("no 'Reserved region:' line followed by ' - [start, end)'");
    }

    /** The addresses in the last {@code [...)} of {@code line}, which must hold exactly {@code count}. */
    private static long[] lastBracket(String line, int count, String what) {
        Matcher bracket = BRACKET.matcher(line);
        String inside = null;
        while (bracket.find()) {
            inside = bracket.group(1);
        }
        if (inside == null) {
            throw new IllegalArgumentException(what + " has no [address, ...) list");
        }
        String[] parts = inside.split(",");
        if (parts.length != count) {
            throw new IllegalArgumentException(what + " lists " + parts.length + " addresses, expected " + count);
        }
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            String part = parts[i].strip();
            if (!ADDRESS.matcher(part).matches()) {
                throw new IllegalArgumentException(what + " has \"" + part + "\" where an address belongs");
            }
            out[i] = Long.parseUnsignedLong(part.substring(2), 16);
        }
        return out;
    }

    static List<String> lines(String text) {
        return List.of(text.split("\\R", -1));
    }

    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
