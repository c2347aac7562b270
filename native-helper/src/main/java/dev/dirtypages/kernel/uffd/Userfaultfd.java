package dev.dirtypages.kernel.uffd;

import static dev.dirtypages.kernel.uffd.UserfaultfdBinding.UFFDIO_API;
import static dev.dirtypages.kernel.uffd.UserfaultfdBinding.UFFDIO_REGISTER;
import static dev.dirtypages.kernel.uffd.UserfaultfdBinding.UFFDIO_REGISTER_MODE_WP;
import static dev.dirtypages.kernel.uffd.UserfaultfdBinding.UFFDIO_UNREGISTER;
import static dev.dirtypages.kernel.uffd.UserfaultfdBinding.UFFDIO_WRITEPROTECT;
import static dev.dirtypages.kernel.uffd.UserfaultfdBinding.UFFDIO_WRITEPROTECT_MODE_WP;
import static dev.dirtypages.kernel.uffd.UserfaultfdBinding.UFFD_FEATURE_WP_ASYNC;
import static dev.dirtypages.kernel.uffd.UserfaultfdBinding.UFFD_FEATURE_WP_UNPOPULATED;
import static dev.dirtypages.kernel.uffd.UserfaultfdBinding.UFFD_USER_MODE_ONLY;

import com.sun.jna.LastErrorException;
import dev.dirtypages.kernel.Arch;
import dev.dirtypages.kernel.Errno;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.KernelRelease;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.libc.FileDescriptor;
import dev.dirtypages.kernel.libc.LibcBinding;
import dev.dirtypages.kernel.uffd.UserfaultfdBinding.UffdioApi;
import dev.dirtypages.kernel.uffd.UserfaultfdBinding.UffdioRange;
import dev.dirtypages.kernel.uffd.UserfaultfdBinding.UffdioRegister;
import dev.dirtypages.kernel.uffd.UserfaultfdBinding.UffdioWriteprotect;

/**
 * A userfaultfd in write-protect-async mode: ranges registered with it have their writes recorded by
 * the kernel (no fault handler thread runs), to be read and re-armed with {@code PAGEMAP_SCAN}.
 *
 * <p>Closing it closes the descriptor, and the kernel then drops every registration it held and
 * removes its write protection: nothing is left behind in the application's memory.
 */
public final class Userfaultfd implements AutoCloseable {
    /** The features write tracking needs: async write-protect, including pages never touched yet. */
    public static final long WRITE_TRACKING_FEATURES = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED;

    /** How the descriptor was obtained. */
    public enum Source {
        /** {@code userfaultfd(2)} with {@code UFFD_USER_MODE_ONLY}. */
        SYSCALL,
        /** {@code /dev/userfaultfd} and {@code USERFAULTFD_IOC_NEW}. */
        DEVICE
    }

    private final FileDescriptor fd;
    private final Source source;
    private final long features;
    private final long apiIoctls;

    private Userfaultfd(FileDescriptor fd, Source source, long features, long apiIoctls) {
        this.fd = fd;
        this.source = source;
        this.features = features;
        this.apiIoctls = apiIoctls;
    }

    /** A userfaultfd with {@link #WRITE_TRACKING_FEATURES}, or an exception naming cause and fix. */
    public static Userfaultfd openForWriteTracking() {
        return open(WRITE_TRACKING_FEATURES);
    }

    /**
     * A userfaultfd negotiated with exactly {@code features}: the system call first, then
     * {@code /dev/userfaultfd}.
     *
     * @throws UserfaultfdUnavailableException when neither way works or the kernel lacks a feature
     */
    public static Userfaultfd open(long features) {
        Opened opened = openDescriptor();
        try {
            UffdioApi api = negotiate(opened.fd, features);
            if ((api.features & features) != features) {
                throw missingFeatures(features & ~api.features);
            }
            return new Userfaultfd(opened.fd, opened.source, api.features, api.ioctls);
        } catch (LastErrorException e) {
            opened.fd.close();
            if (e.getErrorCode() == Errno.EINVAL) {
                throw missingFeatures(features & ~supportedFeatures());
            }
            throw new UserfaultfdUnavailableException("UFFDIO_API", e.getErrorCode(),
                    "the userfaultfd handshake failed", "use Linux 6.7 or newer");
        } catch (RuntimeException e) {
            opened.fd.close();
            throw e;
        }
    }

    /** The features this kernel offers (a UFFDIO_API handshake that asks for none), 0 when none can be had. */
    public static long supportedFeatures() {
        Opened opened;
        try {
            opened = openDescriptor();
        } catch (UserfaultfdUnavailableException e) {
            return 0;
        }
        try (FileDescriptor fd = opened.fd) {
            return negotiate(fd, 0).features;
        } catch (LastErrorException e) {
            return 0;
        }
    }

    private static UffdioApi negotiate(FileDescriptor fd, long features) {
        UffdioApi api = new UffdioApi();
        api.api = UserfaultfdBinding.UFFD_API;
        api.features = features;
        api.write();
        UserfaultfdBinding.ioctl(fd.fd(), UFFDIO_API, api.getPointer());
        api.read();
        return api;
    }

    private static final class Opened {
        final FileDescriptor fd;
        final Source source;

        Opened(FileDescriptor fd, Source source) {
            this.fd = fd;
            this.source = source;
        }
    }

    private static Opened openDescriptor() {
        int flags = LibcBinding.O_CLOEXEC | LibcBinding.O_NONBLOCK | UFFD_USER_MODE_ONLY;
        Arch arch = Arch.current();
        int syscallErrno;
        if (arch == Arch.UNSUPPORTED) {
            syscallErrno = Errno.ENOSYS;
        } else {
            try {
                int fd = (int) UserfaultfdBinding.syscall(arch.sysUserfaultfd(), flags);
                return new Opened(new FileDescriptor(fd, "userfaultfd"), Source.SYSCALL);
            } catch (LastErrorException e) {
                syscallErrno = e.getErrorCode();
            }
        }
        int deviceErrno;
        try (FileDescriptor device = FileDescriptor.openReadOnlyOrReadWrite(UserfaultfdBinding.DEVICE)) {
            int fd = UserfaultfdBinding.ioctl(device.fd(), UserfaultfdBinding.USERFAULTFD_IOC_NEW, flags);
            return new Opened(new FileDescriptor(fd, "userfaultfd"), Source.DEVICE);
        } catch (KernelException e) {
            deviceErrno = e.errno();
        } catch (LastErrorException e) {
            deviceErrno = e.getErrorCode();
        }
        throw unavailable(arch, syscallErrno, deviceErrno);
    }

    /** Neither the system call nor the device would give a userfaultfd: why, and what to do about it. */
    static UserfaultfdUnavailableException unavailable(Arch arch, int syscallErrno, int deviceErrno) {
        return new UserfaultfdUnavailableException("userfaultfd", syscallErrno,
                unavailableReason(arch, syscallErrno, deviceErrno), unavailableFix(arch, syscallErrno, deviceErrno));
    }

    /** Cause and fix for a userfaultfd that neither the system call nor the device would give. */
    static String explainUnavailable(Arch arch, int syscallErrno, int deviceErrno) {
        return unavailableReason(arch, syscallErrno, deviceErrno) + "; fix: " + unavailableFix(arch, syscallErrno,
                deviceErrno);
    }

    static String unavailableReason(Arch arch, int syscallErrno, int deviceErrno) {
        StringBuilder why = new StringBuilder();
        if (arch == Arch.UNSUPPORTED) {
            why.append("this architecture (").append(System.getProperty("os.arch"))
                    .append(") has no known userfaultfd system call number");
        } else {
            switch (syscallErrno) {
                case Errno.EPERM:
                    why.append("the userfaultfd system call is denied (EPERM): a seccomp filter forbids it, "
                            + "as Docker's default profile does");
                    break;
                case Errno.ENOSYS:
                    why.append("the kernel has no userfaultfd system call (ENOSYS): it was built without "
                            + "CONFIG_USERFAULTFD, or a seccomp filter hides it");
                    break;
                case Errno.EINVAL:
                    why.append("the kernel does not know UFFD_USER_MODE_ONLY (EINVAL): it is older than 5.11");
                    break;
                default:
                    why.append("the userfaultfd system call failed with ").append(Errno.name(syscallErrno));
            }
        }
        why.append(", and ");
        switch (deviceErrno) {
            case Errno.ENOENT:
                why.append("there is no ").append(UserfaultfdBinding.DEVICE).append(" (ENOENT)");
                break;
            case Errno.EACCES:
            case Errno.EPERM:
                why.append(UserfaultfdBinding.DEVICE).append(" is not accessible to user ").append(userName())
                        .append(" (").append(Errno.name(deviceErrno)).append(": permission denied)");
                break;
            default:
                why.append(UserfaultfdBinding.DEVICE).append(" failed with ").append(Errno.name(deviceErrno));
        }
        return why.toString();
    }

    static String unavailableFix(Arch arch, int syscallErrno, int deviceErrno) {
        if (arch == Arch.UNSUPPORTED) {
            return "run on x86_64 or aarch64";
        }
        StringBuilder fix = new StringBuilder();
        switch (syscallErrno) {
            case Errno.EPERM:
                fix.append("allow the userfaultfd system call in the seccomp profile (Docker: docker run "
                        + "--security-opt seccomp=<a profile that allows userfaultfd>)");
                break;
            case Errno.ENOSYS:
                fix.append("use a kernel built with CONFIG_USERFAULTFD=y (Linux 6.7 or newer), or allow the "
                        + "userfaultfd system call in the seccomp profile");
                break;
            case Errno.EINVAL:
                return "use Linux 6.7 or newer";
            default:
                fix.append("use Linux 6.7 or newer with userfaultfd allowed for this process");
        }
        switch (deviceErrno) {
            case Errno.EACCES:
            case Errno.EPERM:
                fix.append(", or let user ").append(userName()).append(" open ").append(UserfaultfdBinding.DEVICE)
                        .append(" (setfacl -m u:").append(userName()).append(":rw ").append(UserfaultfdBinding.DEVICE)
                        .append(", or a udev rule)");
                break;
            case Errno.ENOENT:
                if (syscallErrno == Errno.EPERM) {
                    fix.append(", or pass the device into the container (docker run --device ")
                            .append(UserfaultfdBinding.DEVICE).append("; Linux 6.1 or newer has it)");
                }
                break;
            default:
                break;
        }
        return fix.toString();
    }

    private static String userName() {
        String name = System.getProperty("user.name");
        return name == null || name.isEmpty() || name.equals("?") ? "<user>" : name;
    }

    private static UserfaultfdUnavailableException missingFeatures(long missing) {
        StringBuilder names = new StringBuilder();
        if ((missing & UFFD_FEATURE_WP_ASYNC) != 0) {
            names.append("UFFD_FEATURE_WP_ASYNC");
        }
        if ((missing & UFFD_FEATURE_WP_UNPOPULATED) != 0) {
            names.append(names.length() > 0 ? ", " : "").append("UFFD_FEATURE_WP_UNPOPULATED");
        }
        long others = missing & ~(UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED);
        if (others != 0) {
            names.append(names.length() > 0 ? ", " : "").append(String.format("features 0x%x", others));
        }
        return new UserfaultfdUnavailableException("UFFDIO_API", Errno.EINVAL,
                "the kernel lacks " + names + " (write-protect-async needs Linux 6.7 or newer, "
                        + "running " + KernelRelease.current() + ")", "upgrade the kernel to Linux 6.7 or newer");
    }

    /** How the descriptor was obtained. */
    public Source source() {
        return source;
    }

    /** The features in force on this descriptor (what the kernel reported in the handshake). */
    public long features() {
        return features;
    }

    /** The ioctls the handshake said this descriptor supports, a bit per ioctl number. */
    public long apiIoctls() {
        return apiIoctls;
    }

    /** The descriptor number. */
    public int fd() {
        return fd.fd();
    }

    /**
     * Registers {@code [start, end)} in write-protect mode. Registering a range again with the same
     * descriptor is allowed (that is how a remapped part is repaired).
     *
     * @return the ioctls the kernel allows on the range
     * @throws KernelException with {@link Errno#EBUSY} when another userfaultfd owns part of the range
     */
    public long register(long start, long end) {
        Pages.checkRange(start, end);
        UffdioRegister register = new UffdioRegister();
        register.range.start = start;
        register.range.len = end - start;
        register.mode = UFFDIO_REGISTER_MODE_WP;
        register.write();
        try {
            UserfaultfdBinding.ioctl(fd.fd(), UFFDIO_REGISTER, register.getPointer());
        } catch (LastErrorException e) {
            throw new KernelException(describe("UFFDIO_REGISTER", start, end), e.getErrorCode(),
                    explainRegister(e.getErrorCode()));
        }
        register.read();
        return register.ioctls;
    }

    static String explainRegister(int errno) {
        switch (errno) {
            case Errno.EBUSY:
                return "another userfaultfd already owns part of this range (the application or another tool "
                        + "tracks it); leave it to its owner";
            case Errno.EINVAL:
                return "the range is not entirely mapped, or part of it is memory userfaultfd cannot write-protect "
                        + "(e.g. a VM_PFNMAP or special mapping)";
            case Errno.ENOMEM:
                return "part of the range is not mapped, or vm.max_map_count is exhausted by the VMA splits "
                        + "registration causes; raise it with: sysctl -w vm.max_map_count=<larger>";
            case Errno.EPERM:
                return "the range is a file mapping this process may not write";
            default:
                return null;
        }
    }

    /** Unregisters {@code [start, end)}, removing its write protection. */
    public void unregister(long start, long end) {
        Pages.checkRange(start, end);
        UffdioRange range = new UffdioRange(start, end - start);
        range.write();
        try {
            UserfaultfdBinding.ioctl(fd.fd(), UFFDIO_UNREGISTER, range.getPointer());
        } catch (LastErrorException e) {
            throw new KernelException(describe("UFFDIO_UNREGISTER", start, end), e.getErrorCode(), null);
        }
    }

    /**
     * Sets ({@code protect = true}) or clears the write protection of {@code [start, end)}, a registered
     * range. Setting it arms every page, populated or not, in one call.
     */
    public void writeProtect(long start, long end, boolean protect) {
        Pages.checkRange(start, end);
        UffdioWriteprotect wp = new UffdioWriteprotect();
        wp.range.start = start;
        wp.range.len = end - start;
        wp.mode = protect ? UFFDIO_WRITEPROTECT_MODE_WP : 0;
        wp.write();
        try {
            UserfaultfdBinding.ioctl(fd.fd(), UFFDIO_WRITEPROTECT, wp.getPointer());
        } catch (LastErrorException e) {
            throw new KernelException(describe("UFFDIO_WRITEPROTECT", start, end), e.getErrorCode(),
                    e.getErrorCode() == Errno.ENOENT || e.getErrorCode() == Errno.EINVAL
                            ? "the range is not (or no longer) registered in write-protect mode" : null);
        }
    }

    private static String describe(String op, long start, long end) {
        return String.format("%s [0x%x, 0x%x)", op, start, end);
    }

    public boolean isClosed() {
        return fd.isClosed();
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return String.format("Userfaultfd[%s, features 0x%x, %s]", source, features, fd);
    }
}
