package dev.dirtypages.kernel.uffd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import dev.dirtypages.kernel.libc.Ioctl;

/**
 * userfaultfd(2) and its ioctls, from include/uapi/linux/userfaultfd.h (Linux 6.7 for the
 * write-protect-async features). The machine's headers predate these features, so the values are
 * defined here; the request numbers are derived from the structure sizes and pinned by tests.
 */
public final class UserfaultfdBinding {
    public static final long UFFD_API = 0xAA;
    private static final int UFFDIO = 0xAA;

    /** userfaultfd(2) flag: only faults raised from user mode, which lets any process in (Linux 5.11). */
    public static final int UFFD_USER_MODE_ONLY = 1;

    public static final long UFFD_FEATURE_PAGEFAULT_FLAG_WP = 1L << 0;
    public static final long UFFD_FEATURE_MISSING_HUGETLBFS = 1L << 4;
    public static final long UFFD_FEATURE_MISSING_SHMEM = 1L << 5;
    public static final long UFFD_FEATURE_WP_HUGETLBFS_SHMEM = 1L << 12;
    /** Write-protect unpopulated pages too, so that a first write to a never-touched page is seen (6.4). */
    public static final long UFFD_FEATURE_WP_UNPOPULATED = 1L << 13;
    /** Resolve write-protect faults in the kernel, marking the page written, with no handler thread (6.7). */
    public static final long UFFD_FEATURE_WP_ASYNC = 1L << 15;

    public static final long UFFDIO_REGISTER_MODE_MISSING = 1L << 0;
    public static final long UFFDIO_REGISTER_MODE_WP = 1L << 1;

    public static final long UFFDIO_WRITEPROTECT_MODE_WP = 1L << 0;
    public static final long UFFDIO_WRITEPROTECT_MODE_DONTWAKE = 1L << 1;

    /** Bits of {@code ioctls} returned by UFFDIO_REGISTER: the range ioctls the registration allows. */
    public static final int _UFFDIO_WRITEPROTECT = 0x06;

    public static final long UFFDIO_API = Ioctl.iowr(UFFDIO, 0x3F, UffdioApi.SIZE);
    public static final long UFFDIO_REGISTER = Ioctl.iowr(UFFDIO, 0x00, UffdioRegister.SIZE);
    public static final long UFFDIO_UNREGISTER = Ioctl.ior(UFFDIO, 0x01, UffdioRange.SIZE);
    public static final long UFFDIO_WRITEPROTECT = Ioctl.iowr(UFFDIO, 0x06, UffdioWriteprotect.SIZE);
    /** On {@code /dev/userfaultfd}: make a new userfaultfd; the argument is the userfaultfd(2) flags. */
    public static final long USERFAULTFD_IOC_NEW = Ioctl.io(UFFDIO, 0x00);

    public static final String DEVICE = "/dev/userfaultfd";

    static {
        Native.register(UserfaultfdBinding.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private UserfaultfdBinding() {
    }

    /** {@code syscall(__NR_userfaultfd, flags)}: glibc has no wrapper. */
    public static native long syscall(long number, long flags) throws LastErrorException;

    public static native int ioctl(int fd, long request, Pointer argument) throws LastErrorException;

    /** {@code USERFAULTFD_IOC_NEW} takes its flags by value. */
    public static native int ioctl(int fd, long request, long argument) throws LastErrorException;

    /** {@code struct uffdio_api}. */
    @FieldOrder({"api", "features", "ioctls"})
    public static final class UffdioApi extends Structure {
        public static final int SIZE = 24;
        public long api;
        public long features;
        public long ioctls;
    }

    /** {@code struct uffdio_range}. */
    @FieldOrder({"start", "len"})
    public static class UffdioRange extends Structure {
        public static final int SIZE = 16;
        public long start;
        public long len;

        public UffdioRange() {
        }

        public UffdioRange(long start, long len) {
            this.start = start;
            this.len = len;
        }

        /** By value inside the larger structures. */
        public static final class ByValue extends UffdioRange implements Structure.ByValue {
        }
    }

    /** {@code struct uffdio_register}. */
    @FieldOrder({"range", "mode", "ioctls"})
    public static final class UffdioRegister extends Structure {
        public static final int SIZE = 32;
        public UffdioRange.ByValue range = new UffdioRange.ByValue();
        public long mode;
        public long ioctls;
    }

    /** {@code struct uffdio_writeprotect}. */
    @FieldOrder({"range", "mode"})
    public static final class UffdioWriteprotect extends Structure {
        public static final int SIZE = 24;
        public UffdioRange.ByValue range = new UffdioRange.ByValue();
        public long mode;
    }
}
