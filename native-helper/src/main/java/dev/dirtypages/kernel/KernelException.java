package dev.dirtypages.kernel;

/**
 * A system call failed. Carries the operation, the errno and, where this layer knows it, what the
 * failure means here and how to fix it, so that a user never has to decode an errno alone.
 */
public class KernelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final int errno;

    public KernelException(String operation, int errno, String explanation) {
        super(operation + " failed" + (errno == 0 ? "" : ": " + Errno.name(errno))
                + (explanation == null || explanation.isEmpty() ? "" : ": " + explanation));
        this.operation = operation;
        this.errno = errno;
    }

    /** What was attempted, e.g. {@code "UFFDIO_REGISTER [0x7f..., 0x7f...)"}. */
    public String operation() {
        return operation;
    }

    /** The errno the kernel returned; 0 where the failure was this layer's own judgement. */
    public int errno() {
        return errno;
    }
}
