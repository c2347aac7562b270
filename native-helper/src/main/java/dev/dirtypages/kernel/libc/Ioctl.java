package dev.dirtypages.kernel.libc;

/**
 * The ioctl request encoding of asm-generic/ioctl.h ({@code _IO}, {@code _IOR}, {@code _IOWR}), which
 * x86_64 and aarch64 share. Request numbers are computed from the structure sizes rather than copied,
 * and the tests pin them to the values the kernel headers give.
 */
public final class Ioctl {
    private static final int NRBITS = 8;
    private static final int TYPEBITS = 8;
    private static final int SIZEBITS = 14;
    private static final int NRSHIFT = 0;
    private static final int TYPESHIFT = NRSHIFT + NRBITS;
    private static final int SIZESHIFT = TYPESHIFT + TYPEBITS;
    private static final int DIRSHIFT = SIZESHIFT + SIZEBITS;

    private static final long NONE = 0;
    private static final long WRITE = 1;
    private static final long READ = 2;

    private Ioctl() {
    }

    private static long ioc(long dir, int type, int nr, int size) {
        if (size >= (1 << SIZEBITS)) {
            throw new IllegalArgumentException("ioctl argument too large: " + size);
        }
        return (dir << DIRSHIFT) | ((long) type << TYPESHIFT) | ((long) nr << NRSHIFT) | ((long) size << SIZESHIFT);
    }

    /** {@code _IO(type, nr)}. */
    public static long io(int type, int nr) {
        return ioc(NONE, type, nr, 0);
    }

    /** {@code _IOR(type, nr, size)}: the kernel reads the argument. */
    public static long ior(int type, int nr, int size) {
        return ioc(READ, type, nr, size);
    }

    /** {@code _IOWR(type, nr, size)}: the kernel reads and writes the argument. */
    public static long iowr(int type, int nr, int size) {
        return ioc(READ | WRITE, type, nr, size);
    }
}
