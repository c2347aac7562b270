package dev.dirtypages.kernel.libc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * File descriptors (fcntl.h, unistd.h): what every other facility here needs to open and read its
 * kernel files.
 *
 * <p>Direct-mapped (static natives registered once) rather than an interface proxy: a call allocates
 * nothing, which matters on the scan loop's path.
 */
public final class LibcBinding {
    /** fcntl.h, the generic values used by x86_64 and aarch64. */
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 02;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;

    static {
        Native.register(LibcBinding.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibcBinding() {
    }

    public static native int open(String path, int flags) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    public static native long pread(int fd, Pointer buffer, long count, long offset) throws LastErrorException;

    public static native int getpid();

    public static native int getpagesize();
}
