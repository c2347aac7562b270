package dev.dirtypages.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /proc/<pid>/maps} text as the kernel prints it (show_map_vma: fields, then padding, then the name). */
class MapsParserTest {
    private static final String MAPS = String.join("\n",
            "55d0c1a2c000-55d0c1a2e000 r--p 00000000 08:01 1835029                    /usr/bin/cat",
            "55d0c1a2e000-55d0c1a33000 r-xp 00002000 08:01 1835029                    /usr/bin/cat",
            "55d0c3b4d000-55d0c3b6e000 rw-p 00000000 00:00 0                          [heap]",
            "7f3a2c000000-7f3a2c021000 rw-p 00000000 00:00 0 ",
            "7f3a2c021000-7f3a30000000 ---p 00000000 00:00 0",
            "7f3a34000000-7f3a38000000 rw-s 00000000 00:01 4097                       /memfd:java_heap (deleted)",
            "7f3a3c000000-7f3a3c001000 r--p 00001000 fd:02 3000000001                 /home/a user/My Documents/lib x.so",
            "7f3a3d000000-7f3a3d001000 r--p 00000000 08:01 2000002                    /tmp/replaced.jar (deleted)",
            "7ffd3b1cf000-7ffd3b1f0000 rw-p 00000000 00:00 0                          [stack]",
            "7ffd3b1f6000-7ffd3b1fa000 r--p 00000000 00:00 0                          [vvar]",
            "7ffd3b1fa000-7ffd3b1fc000 r-xp 00000000 00:00 0                          [vdso]",
            "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]",
            "");

    @Test
    void parsesEveryFieldOfAFileMapping() {
        Mapping cat = MapsParser.parse(MAPS).get(1);
        assertEquals(new Mapping(0x55d0c1a2e000L, 0x55d0c1a33000L, "r-xp", 0x2000, "08:01", 1835029, "/usr/bin/cat"), cat);
        assertTrue(cat.readable() && cat.executable() && !cat.writable() && !cat.shared());
        assertFalse(cat.anonymous());
        assertEquals(0x5000, cat.length());
    }

    @Test
    void parsesEveryLineInOrder() {
        List<Mapping> maps = MapsParser.parse(MAPS);
        assertEquals(12, maps.size());
        for (int i = 1; i < maps.size(); i++) {
            assertTrue(Long.compareUnsigned(maps.get(i - 1).end(), maps.get(i).start()) <= 0, maps.get(i).toString());
        }
    }

    @Test
    void keepsSpacesInsideAPathAndTheDeletedSuffix() {
        List<Mapping> maps = MapsParser.parse(MAPS);
        assertEquals("/home/a user/My Documents/lib x.so", maps.get(6).path());
        assertEquals(3000000001L, maps.get(6).inode(), "an inode beyond int range");
        assertEquals("fd:02", maps.get(6).device());
        assertEquals("/tmp/replaced.jar (deleted)", maps.get(7).path());
    }

    @Test
    void recognisesZgcsSharedMemfdHeapAsASharedFileMapping() {
        Mapping heap = MapsParser.parse(MAPS).get(5);
        assertEquals("/memfd:java_heap (deleted)", heap.path());
        assertTrue(heap.shared() && heap.writable());
        assertFalse(heap.anonymous(), "a memfd has an inode: it is not anonymous memory");
    }

    @Test
    void treatsPseudoNamedAndUnnamedMemoryAsAnonymous() {
        List<Mapping> maps = MapsParser.parse(MAPS);
        assertEquals("[heap]", maps.get(2).path());
        assertTrue(maps.get(2).anonymous());
        assertEquals("", maps.get(3).path(), "a trailing blank after the inode is not a path");
        assertTrue(maps.get(3).anonymous());
        assertEquals("", maps.get(4).path(), "no blank after the inode at all");
        assertTrue(maps.get(4).reserved() && maps.get(4).anonymous());
        assertEquals("[stack]", maps.get(8).path());
    }

    @Test
    void parsesTheVsyscallPageInTheUpperHalfAsUnsignedAddresses() {
        Mapping vsyscall = MapsParser.parse(MAPS).get(11);
        assertEquals(0xffffffffff600000L, vsyscall.start());
        assertEquals(0xffffffffff601000L, vsyscall.end());
        assertEquals(0x1000, vsyscall.length());
        assertEquals("[vsyscall]", vsyscall.path());
        assertTrue(vsyscall.contains(0xffffffffff600800L));
        assertFalse(vsyscall.contains(0x7ffd3b1fa000L));
        assertFalse(vsyscall.contains(0xffffffffff601000L), "end is exclusive");
        assertTrue(vsyscall.executable() && !vsyscall.readable());
    }

    @Test
    void skipsBlankLinesAndToleratesAMissingFinalNewline() {
        List<Mapping> maps = MapsParser.parse("\n"
                + "7f3a2c000000-7f3a2c021000 rw-p 00000000 00:00 0 \n"
                + "   \n"
                + "\n"
                + "7f3a3c000000-7f3a3c001000 r--p 00000000 08:01 42 /lib/x.so");
        assertEquals(2, maps.size());
        assertEquals("/lib/x.so", maps.get(1).path());
        assertEquals(List.of(), MapsParser.parse(""));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "garbage",
        "7f3a2c000000-7f3a2c021000 rw-p 00000000 00:00",
        "7f3a2c000000 rw-p 00000000 00:00 0",
        "7f3a2c000000-7f3a2c021000 rw 00000000 00:00 0",
        "7f3a2c000000-zz3a2c021000 rw-p 00000000 00:00 0",
        "7f3a2c000000-7f3a2c021000 rw-p 0000000g 00:00 0",
        "7f3a2c000000-7f3a2c021000 rw-p 00000000 00:00 -1 /x",
    })
    void rejectsAMalformedLineNamingItsNumberAndText(String bad) {
        String text = "7f3a2c000000-7f3a2c021000 rw-p 00000000 00:00 0\n\n" + bad + "\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MapsParser.parse(text));
        assertTrue(e.getMessage().contains("maps line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
    }

    @Test
    void findsTheMappingsOverlappingARange() {
        List<Mapping> maps = MapsParser.parse(MAPS);
        List<Mapping> overlapping = ProcMaps.overlapping(maps, 0x55d0c1a2d000L, 0x55d0c3b4d001L);
        assertEquals(List.of(maps.get(0), maps.get(1), maps.get(2)), overlapping);
        assertEquals(List.of(), ProcMaps.overlapping(maps, 0x55d0c1a33000L, 0x55d0c3b4d000L), "the gap between them");
        assertEquals(List.of(maps.get(11)), ProcMaps.overlapping(maps, 0xffffffffff600000L, 0xffffffffff700000L));
    }
}
