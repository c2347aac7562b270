package dev.dirtypages.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SmapsParserTest {
    /** Three VMAs as Linux 6.18 prints them (fields trimmed), the middle one registered write-protect. */
    private static final String SMAPS = String.join("\n",
            "7f0000000000-7f0000004000 rw-p 00000000 00:00 0 ",
            "Size:                 16 kB",
            "Rss:                   8 kB",
            "THPeligible:           0",
            "VmFlags: rd wr mr mw me ac sd ",
            "7f0000004000-7f0000008000 rw-p 00000000 00:00 0 ",
            "Size:                 16 kB",
            "VmFlags: rd wr mr mw me ac sd uw ",
            "7f0000008000-7f000000a000 r--p 00002000 fe:00 260386                     /usr/lib/a b.so",
            "Size:                  8 kB",
            "ProtectionKey:         0",
            "VmFlags: rd mr mw me um",
            "");

    @Test
    void readsEachVmaWithItsFlags() {
        List<VmaFlags> vmas = SmapsParser.flags(SMAPS);
        assertEquals(3, vmas.size(), vmas.toString());
        assertEquals(new VmaFlags(0x7f0000000000L, 0x7f0000004000L, Set.of("rd", "wr", "mr", "mw", "me", "ac", "sd")),
                vmas.get(0));
        assertFalse(vmas.get(0).userfaultfdRegistered());
        assertTrue(vmas.get(1).userfaultfdRegistered());
        assertTrue(vmas.get(2).flags().contains("um") && vmas.get(2).userfaultfdRegistered());
        assertEquals(0x7f000000a000L, vmas.get(2).end());
    }

    @Test
    void aVmaWithoutAFlagsLineHasNone() {
        List<VmaFlags> vmas = SmapsParser.flags("1000-2000 rw-p 00000000 00:00 0\nSize: 4 kB\n");
        assertEquals(List.of(new VmaFlags(0x1000, 0x2000, Set.of())), vmas);
    }

    @Test
    void clipsAndJoinsTheRegisteredPartsOfARange() {
        List<VmaFlags> vmas = List.of(
                new VmaFlags(0x1000, 0x3000, Set.of("uw")),
                new VmaFlags(0x3000, 0x5000, Set.of("um")),
                new VmaFlags(0x5000, 0x6000, Set.of("rd")),
                new VmaFlags(0x6000, 0x9000, Set.of("ui")));
        List<long[]> parts = ProcSmaps.userfaultfdRegistered(vmas, 0x2000, 0x8000);
        assertEquals(2, parts.size());
        assertArrayEquals(new long[] {0x2000, 0x5000}, parts.get(0));
        assertArrayEquals(new long[] {0x6000, 0x8000}, parts.get(1));
        assertTrue(ProcSmaps.userfaultfdRegistered(vmas, 0x5000, 0x6000).isEmpty());
    }

    @Test
    void aMalformedHeaderNamesItsLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SmapsParser.flags("1000-2000 rw-p\nVmFlags: rd\n"));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }
}
