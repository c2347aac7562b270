package dev.dirtypages.kernel.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The asm-generic/ioctl.h encoding, pinned to request numbers the kernel headers give. */
class IoctlTest {
    @Test
    void encodesIoWithoutDirectionOrSize() {
        assertEquals(0xaa00L, Ioctl.io(0xAA, 0x00), "USERFAULTFD_IOC_NEW");
        assertEquals(0x5401L, Ioctl.io('T', 0x01), "TCGETS-style _IO('T', 1)");
    }

    @Test
    void encodesIorWithTheReadDirectionAndTheSize() {
        assertEquals(0x80086601L, Ioctl.ior('f', 1, 8), "FS_IOC_GETFLAGS = _IOR('f', 1, long)");
        assertEquals(0x8010aa01L, Ioctl.ior(0xAA, 0x01, 16), "UFFDIO_UNREGISTER");
    }

    @Test
    void encodesIowrWithBothDirectionsAndTheSize() {
        assertEquals(0xc0606610L, Ioctl.iowr('f', 16, 96), "PAGEMAP_SCAN");
        assertEquals(0xc018aa3fL, Ioctl.iowr(0xAA, 0x3F, 24), "UFFDIO_API");
    }

    @Test
    void rejectsAnArgumentTooLargeForTheFourteenBitSizeField() {
        assertEquals(0xffffaa00L, Ioctl.iowr(0xAA, 0, (1 << 14) - 1), "the largest size fits");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ioctl.iowr(0xAA, 0, 1 << 14));
        assertEquals("ioctl argument too large: 16384", e.getMessage());
    }
}
