package dev.dirtypages.kernel.libc;

import com.sun.jna.LastErrorException;
import dev.dirtypages.kernel.KernelException;

/**
 * An open file descriptor, closed once. Every descriptor this layer opens is close-on-exec, so
 * that a child process the application starts inherits none of them.
 */
public final class FileDescriptor implements AutoCloseable {
    private final int fd;
    private final String what;
    private boolean closed;

    public FileDescriptor(int fd, String what) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + fd);
        }
        this.fd = fd;
        this.what = what;
    }

    /** Opens {@code path} read-only and close-on-exec. */
    public static FileDescriptor openReadOnly(String path) {
        try {
            return new FileDescriptor(LibcBinding.open(path, LibcBinding.O_RDONLY | LibcBinding.O_CLOEXEC), path);
        } catch (LastErrorException e) {
            throw new KernelException("open " + path, e.getErrorCode(), null);
        }
    }

    /** Opens {@code path} read-write and close-on-exec, or read-only where writing is not allowed. */
    public static FileDescriptor openReadOnlyOrReadWrite(String path) {
        try {
            return new FileDescriptor(LibcBinding.open(path, LibcBinding.O_RDWR | LibcBinding.O_CLOEXEC), path);
        } catch (LastErrorException e) {
            return openReadOnly(path);
        }
    }

    /** The number, valid until {@link #close()}. */
    public int fd() {
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
        return fd;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                LibcBinding.close(fd);
            } catch (LastErrorException ignored) {
                // close(2) releases the descriptor even when it reports an error: nothing to retry.
            }
        }
    }

    @Override
    public String toString() {
        return what + " (fd " + fd + (closed ? ", closed" : "") + ")";
    }
}
