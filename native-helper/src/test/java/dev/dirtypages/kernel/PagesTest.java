package dev.dirtypages.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class PagesTest {
    private static final long P = Pages.SIZE;

    @Test
    void pageSizeIsAPowerOfTwoOfAtLeast4KiB() {
        assertEquals(1, Long.bitCount(P), "page size " + P);
        assertTrue(P >= 4096, "page size " + P);
    }

    @Test
    void theAuxiliaryVectorGivesTheCLibrarysPageSize() {
        assertEquals(dev.dirtypages.kernel.libc.LibcBinding.getpagesize(), P);
    }

    @Test
    void readsThePageSizeEntryOfAnAuxiliaryVector() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64).order(java.nio.ByteOrder.nativeOrder());
        b.putLong(33).putLong(0x7fff0000L).putLong(Pages.AT_PAGESZ).putLong(16384).putLong(0).putLong(0);
        assertEquals(16384, Pages.fromAuxv(b.array()));
        assertEquals(0, Pages.fromAuxv(new byte[] {1, 2, 3}));
        java.nio.ByteBuffer none = java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.nativeOrder());
        none.putLong(33).putLong(1).putLong(0).putLong(0);
        assertEquals(0, Pages.fromAuxv(none.array()));
    }

    @Test
    void alignsDownAndUpToThePageSize() {
        assertEquals(0, Pages.alignDown(P - 1));
        assertEquals(P, Pages.alignUp(1));
        assertEquals(P, Pages.alignUp(P));
        assertEquals(3 * P, Pages.alignDown(3 * P + 5));
        assertEquals(4 * P, Pages.alignUp(3 * P + 5));
        assertTrue(Pages.isAligned(0));
        assertTrue(Pages.isAligned(7 * P));
        assertFalse(Pages.isAligned(7 * P + 8));
    }

    @Test
    void countsThePagesOfARange() {
        assertEquals(5, Pages.count(10 * P, 15 * P));
        assertEquals(0, Pages.count(10 * P, 10 * P));
    }

    @Test
    void rejectsUnalignedRangesNamingThePageSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pages.checkRange(P + 1, 4 * P));
        assertTrue(e.getMessage().contains("not aligned") && e.getMessage().contains(Long.toString(P)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pages.checkRange(P, 4 * P - 1));
    }

    @Test
    void rejectsEmptyAndInvertedRanges() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> Pages.checkRange(4 * P, 4 * P));
        assertTrue(empty.getMessage().contains("empty or inverted"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pages.checkRange(8 * P, 4 * P));
    }

    @Test
    void comparesAddressesUnsignedSoThatTheUpperHalfIsNotInverted() {
        Pages.checkRange(P, -P); // [0x1000, 0xfffffffffffff000): not empty, as unsigned addresses
        assertThrows(IllegalArgumentException.class, () -> Pages.checkRange(-P, P));
    }
}
