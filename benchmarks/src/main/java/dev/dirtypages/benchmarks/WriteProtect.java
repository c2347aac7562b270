package dev.dirtypages.benchmarks;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.uffd.UserfaultfdBinding;
import dev.dirtypages.kernel.uffd.UserfaultfdBinding.UffdioWriteprotect;

/**
 * {@code UFFDIO_WRITEPROTECT} with a reusable argument block: the re-arm that a reader of
 * {@code /proc/self/pagemap} must add, since a {@code pread} cannot write-protect what it reports.
 * ({@code Userfaultfd.writeProtect} does the same with a fresh JNA structure per call.)
 */
final class WriteProtect implements AutoCloseable {
    private final int uffd;
    /** {@code struct uffdio_writeprotect { struct uffdio_range { u64 start, len; }; u64 mode; }}. */
    private final Memory arg = new Memory(UffdioWriteprotect.SIZE);

    WriteProtect(int uffd) {
        this.uffd = uffd;
    }

    /** Arms every page of {@code [start, end)}, a range registered in write-protect mode, populated or not. */
    void arm(long start, long end) {
        arg.setLong(0, start);
        arg.setLong(8, end - start);
        arg.setLong(16, UserfaultfdBinding.UFFDIO_WRITEPROTECT_MODE_WP);
        try {
            UserfaultfdBinding.ioctl(uffd, UserfaultfdBinding.UFFDIO_WRITEPROTECT, arg);
        } catch (LastErrorException e) {
            throw new KernelException(String.format("UFFDIO_WRITEPROTECT [0x%x, 0x%x)", start, end),
                    e.getErrorCode(), null);
        }
    }

    @Override
    public void close() {
        arg.close();
    }
}
