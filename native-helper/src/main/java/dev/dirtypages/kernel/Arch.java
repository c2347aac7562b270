package dev.dirtypages.kernel;

import java.util.Locale;

/**
 * The system call numbers that differ between the architectures this layer supports.
 *
 * <p>Only x86_64 is exercised by the tests (that is the machine the project runs on); the aarch64
 * numbers come from the kernel's generic table ({@code include/uapi/asm-generic/unistd.h}) and are
 * untested here.
 */
public enum Arch {
    /** arch/x86/entry/syscalls/syscall_64.tbl. */
    X86_64(323),
    /** include/uapi/asm-generic/unistd.h, used by arm64. */
    AARCH64(282),
    /** Any other architecture: userfaultfd is reported unavailable rather than guessed. */
    UNSUPPORTED(-1);

    private final long sysUserfaultfd;

    Arch(long sysUserfaultfd) {
        this.sysUserfaultfd = sysUserfaultfd;
    }

    /** {@code __NR_userfaultfd}, or -1 where this architecture is not supported. */
    public long sysUserfaultfd() {
        return sysUserfaultfd;
    }

    /** The architecture of this JVM. */
    public static Arch current() {
        return fromOsArch(System.getProperty("os.arch", ""));
    }

    static Arch fromOsArch(String osArch) {
        switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64":
            case "x86_64":
                return X86_64;
            case "aarch64":
            case "arm64":
                return AARCH64;
            default:
                return UNSUPPORTED;
        }
    }
}
