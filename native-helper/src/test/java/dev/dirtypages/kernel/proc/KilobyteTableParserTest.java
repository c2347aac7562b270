package dev.dirtypages.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KilobyteTableParserTest {
    private static final String MEMINFO = String.join("\n",
            "MemTotal:        8129356 kB",
            "MemFree:         1234567 kB",
            "Active(anon):      12345 kB",
            "AnonHugePages:         0 kB",
            "HugePages_Total:       8",
            "HugePages_Free:        6",
            "HugePages_Rsvd:        0",
            "Hugepagesize:       2048 kB",
            "DirectMap4k:      391040 kB",
            "");

    private static final String SMAPS_ROLLUP = String.join("\n",
            "55d0c1a2c000-7ffd3b1fc000 ---p 00000000 00:00 0                          [rollup]",
            "Rss:              287532 kB",
            "Pss_Anon:         250000 kB",
            "AnonHugePages:    262144 kB",
            "Swap:                  0 kB",
            "");

    private static final String STATUS = String.join("\n",
            "Name:\tjava",
            "Umask:\t0022",
            "State:\tS (sleeping)",
            "Pid:\t4242",
            "Uid:\t0\t0\t0\t0",
            "VmRSS:\t  123456 kB",
            "Cpus_allowed_list:\t0-1",
            "");

    @Test
    void convertsKilobyteValuesToBytesAndKeepsCountsAsTheyAre() {
        Map<String, Long> m = KilobyteTableParser.parse(MEMINFO);
        assertEquals(8129356L * 1024, m.get("MemTotal"));
        assertEquals(12345L * 1024, m.get("Active(anon)"), "keys with parentheses");
        assertEquals(8L, m.get("HugePages_Total"));
        assertEquals(6L, m.get("HugePages_Free"));
        assertEquals(2L << 20, m.get("Hugepagesize"));
        assertEquals(List.of("MemTotal", "MemFree", "Active(anon)", "AnonHugePages", "HugePages_Total", "HugePages_Free",
                "HugePages_Rsvd", "Hugepagesize", "DirectMap4k"), List.copyOf(m.keySet()), "in file order");
    }

    @Test
    void skipsTheHeaderLineOfSmapsRollup() {
        Map<String, Long> m = KilobyteTableParser.parse(SMAPS_ROLLUP);
        assertEquals(Map.of("Rss", 287532L * 1024, "Pss_Anon", 250000L * 1024, "AnonHugePages", 256L << 20, "Swap", 0L), m);
    }

    @Test
    void skipsValuesThatAreNotNumbers() {
        Map<String, Long> m = KilobyteTableParser.parse(STATUS);
        assertFalse(m.containsKey("Name"));
        assertFalse(m.containsKey("State"));
        assertFalse(m.containsKey("Cpus_allowed_list"), "0-1 is a list, not a number");
        assertEquals(4242L, m.get("Pid"));
        assertEquals(0L, m.get("Uid"), "the first of several numbers");
        assertEquals(123456L * 1024, m.get("VmRSS"), "tab-separated and padded");
    }

    @Test
    void skipsBlankAndColonlessLines() {
        assertEquals(Map.of("A", 1L), KilobyteTableParser.parse("\n\nno colon here\n: 5\nA: 1\nB:\n"));
    }

    @Test
    void parsesThisMachinesMeminfo() {
        Map<String, Long> m = ProcFiles.meminfo();
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            assertFalse(m.isEmpty());
            assertEquals(0, m.get("MemTotal") % 1024, "MemTotal is in kB, converted to bytes");
        }
    }
}
