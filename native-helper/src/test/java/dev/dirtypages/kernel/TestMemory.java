package dev.dirtypages.kernel;

import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.mman.MmanBinding;
import dev.dirtypages.kernel.proc.KilobyteTableParser;
import dev.dirtypages.kernel.proc.ProcFiles;
import java.util.BitSet;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory for tests whose every write is known. */
public final class TestMemory {
    private TestMemory() {
    }

    /**
     * {@code pages} base pages, read-write, with transparent huge pages refused ({@code MADV_NOHUGEPAGE}),
     * so that page-exact assertions hold whatever the machine's THP mode.
     */
    public static AnonymousMapping smallPages(int pages) {
        AnonymousMapping m = AnonymousMapping.readWrite(pages * Pages.SIZE);
        m.advise(0, m.length(), MmanBinding.MADV_NOHUGEPAGE);
        return m;
    }

    /** Writes one byte into each page of {@code pages} (indexes into {@code m}). */
    public static void writePages(AnonymousMapping m, BitSet pages, byte value) {
        for (int p = pages.nextSetBit(0); p >= 0; p = pages.nextSetBit(p + 1)) {
            m.write(p * Pages.SIZE + (p % 7) * 8, value);
        }
    }

    /** Reads one byte of each page of {@code pages}. */
    public static int readPages(AnonymousMapping m, BitSet pages) {
        int sum = 0;
        for (int p = pages.nextSetBit(0); p >= 0; p = pages.nextSetBit(p + 1)) {
            sum += m.read(p * Pages.SIZE + 16);
        }
        return sum;
    }

    /** The page index of {@code address} in {@code m}. */
    public static int pageOf(AnonymousMapping m, long address) {
        return Math.toIntExact((address - m.address()) / Pages.SIZE);
    }

    /**
     * The {@code /proc/self/smaps} entry of the VMA containing {@code address} (AnonHugePages, Rss, ... in
     * bytes), or an empty map when no VMA contains it.
     */
    public static Map<String, Long> smapsOfVmaContaining(long address) {
        String text = ProcFiles.readText("/proc/self/smaps").orElseThrow();
        StringBuilder entry = null;
        for (String line : text.split("\n")) {
            Matcher header = VMA_HEADER.matcher(line);
            if (header.lookingAt()) {
                if (entry != null) {
                    break;
                }
                long start = Long.parseUnsignedLong(header.group(1), 16);
                long end = Long.parseUnsignedLong(header.group(2), 16);
                if (Long.compareUnsigned(start, address) <= 0 && Long.compareUnsigned(address, end) < 0) {
                    entry = new StringBuilder();
                }
            } else if (entry != null) {
                entry.append(line).append('\n');
            }
        }
        return entry == null ? Map.of() : KilobyteTableParser.parse(entry);
    }

    private static final Pattern VMA_HEADER = Pattern.compile("([0-9a-f]+)-([0-9a-f]+) ");
}
