package dev.dirtypages.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KernelExceptionTest {
    @Test
    void messageNamesOperationErrnoAndExplanation() {
        KernelException e = new KernelException("UFFDIO_REGISTER [0x1000, 0x2000)", Errno.EBUSY, "owned by another");
        assertEquals("UFFDIO_REGISTER [0x1000, 0x2000) failed: EBUSY: owned by another", e.getMessage());
        assertEquals(Errno.EBUSY, e.errno());
        assertEquals("UFFDIO_REGISTER [0x1000, 0x2000)", e.operation());
    }

    @Test
    void messageOmitsAMissingExplanation() {
        assertEquals("munmap failed: EINVAL", new KernelException("munmap", Errno.EINVAL, null).getMessage());
        assertEquals("munmap failed: EINVAL", new KernelException("munmap", Errno.EINVAL, "").getMessage());
    }

    @Test
    void namesTheErrnoValuesOfAsmGenericAndNumbersOthers() {
        assertEquals("EPERM", Errno.name(1));
        assertEquals("ENOENT", Errno.name(2));
        assertEquals("EFAULT", Errno.name(14));
        assertEquals("EBUSY", Errno.name(16));
        assertEquals("EINVAL", Errno.name(22));
        assertEquals("ENOTTY", Errno.name(25));
        assertEquals("ENOSYS", Errno.name(38));
        assertEquals("EOPNOTSUPP", Errno.name(95));
        assertEquals("errno 999", Errno.name(999));
    }
}
