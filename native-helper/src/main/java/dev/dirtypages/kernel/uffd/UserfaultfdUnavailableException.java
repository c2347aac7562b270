package dev.dirtypages.kernel.uffd;

import dev.dirtypages.kernel.KernelException;

/**
 * No usable userfaultfd with the write-protect-async features could be had. The message names the
 * cause and the fix (kernel too old, seccomp, device permissions); {@link #reason()} and {@link #fix()}
 * hold them apart, for reports that show them in their own places.
 */
public final class UserfaultfdUnavailableException extends KernelException {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final String fix;

    /**
     * @param operation what failed, e.g. {@code "userfaultfd"} or {@code "UFFDIO_API"}
     * @param errno     the errno behind it
     * @param reason    why, in the terms of this machine (null if unknown)
     * @param fix       what the user can do (null or empty if nothing is known)
     */
    public UserfaultfdUnavailableException(String operation, int errno, String reason, String fix) {
        super(operation, errno, join(reason, fix));
        this.reason = reason == null ? "" : reason;
        this.fix = fix == null ? "" : fix;
    }

    private static String join(String reason, String fix) {
        if (fix == null || fix.isEmpty()) {
            return reason;
        }
        return (reason == null || reason.isEmpty() ? "" : reason + "; ") + "fix: " + fix;
    }

    /** Why no userfaultfd could be had; empty if unknown. */
    public String reason() {
        return reason;
    }

    /** What the user can do about it; empty if nothing is known. */
    public String fix() {
        return fix;
    }
}
