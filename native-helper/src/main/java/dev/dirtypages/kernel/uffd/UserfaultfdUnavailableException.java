package dev.dirtypages.kernel.uffd;

import dev.dirtypages.kernel.KernelException;

/**
 * No usable userfaultfd with the write-protect-async features could be had. The message names the
 * cause and the fix (kernel too old, seccomp, sysctl, device permissions).
 */
public final class UserfaultfdUnavailableException extends KernelException {
    private static final long serialVersionUID = 1L;

    public UserfaultfdUnavailableException(String operation, int errno, String causeAndFix) {
        super(operation, errno, causeAndFix);
    }
}
