package dev.dirtypages.kernel.uffd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Structure;
import org.junit.jupiter.api.Test;

/** The userfaultfd ABI of include/uapi/linux/userfaultfd.h: request numbers and structure layouts. */
class UserfaultfdAbiTest {
    @Test
    void requestNumbersEqualTheKernelHeaders() {
        assertEquals(0xc018aa3fL, UserfaultfdBinding.UFFDIO_API, "UFFDIO_API");
        assertEquals(0xc020aa00L, UserfaultfdBinding.UFFDIO_REGISTER, "UFFDIO_REGISTER");
        assertEquals(0x8010aa01L, UserfaultfdBinding.UFFDIO_UNREGISTER, "UFFDIO_UNREGISTER");
        assertEquals(0xc018aa06L, UserfaultfdBinding.UFFDIO_WRITEPROTECT, "UFFDIO_WRITEPROTECT");
        assertEquals(0xaa00L, UserfaultfdBinding.USERFAULTFD_IOC_NEW, "USERFAULTFD_IOC_NEW");
    }

    @Test
    void structureSizesEqualTheirDeclaredSizes() {
        assertSize(24, UserfaultfdBinding.UffdioApi.SIZE, new UserfaultfdBinding.UffdioApi());
        assertSize(16, UserfaultfdBinding.UffdioRange.SIZE, new UserfaultfdBinding.UffdioRange());
        assertSize(16, UserfaultfdBinding.UffdioRange.SIZE, new UserfaultfdBinding.UffdioRange.ByValue());
        assertSize(32, UserfaultfdBinding.UffdioRegister.SIZE, new UserfaultfdBinding.UffdioRegister());
        assertSize(24, UserfaultfdBinding.UffdioWriteprotect.SIZE, new UserfaultfdBinding.UffdioWriteprotect());
    }

    @Test
    void registerLaysOutRangeModeAndIoctlsAsTheKernelReadsThem() {
        UserfaultfdBinding.UffdioRegister r = new UserfaultfdBinding.UffdioRegister();
        r.range.start = 0x1111;
        r.range.len = 0x2222;
        r.mode = 0x3333;
        r.ioctls = 0x4444;
        r.write();
        assertEquals(0x1111, r.getPointer().getLong(0));
        assertEquals(0x2222, r.getPointer().getLong(8));
        assertEquals(0x3333, r.getPointer().getLong(16));
        assertEquals(0x4444, r.getPointer().getLong(24));

        UserfaultfdBinding.UffdioWriteprotect wp = new UserfaultfdBinding.UffdioWriteprotect();
        wp.range.start = 0x5555;
        wp.range.len = 0x6666;
        wp.mode = UserfaultfdBinding.UFFDIO_WRITEPROTECT_MODE_WP;
        wp.write();
        assertEquals(0x5555, wp.getPointer().getLong(0));
        assertEquals(0x6666, wp.getPointer().getLong(8));
        assertEquals(1, wp.getPointer().getLong(16));
    }

    @Test
    void featureAndModeBitsEqualTheKernelHeaders() {
        assertEquals(0xAA, UserfaultfdBinding.UFFD_API);
        assertEquals(1, UserfaultfdBinding.UFFD_USER_MODE_ONLY);
        assertEquals(1L << 13, UserfaultfdBinding.UFFD_FEATURE_WP_UNPOPULATED);
        assertEquals(1L << 15, UserfaultfdBinding.UFFD_FEATURE_WP_ASYNC);
        assertEquals(1L << 1, UserfaultfdBinding.UFFDIO_REGISTER_MODE_WP);
        assertEquals((1L << 13) | (1L << 15), Userfaultfd.WRITE_TRACKING_FEATURES);
    }

    private static void assertSize(int expected, int declared, Structure s) {
        assertEquals(expected, declared, s.getClass().getSimpleName() + ".SIZE");
        assertEquals(declared, s.size(), s.getClass().getSimpleName() + " as JNA lays it out");
    }
}
