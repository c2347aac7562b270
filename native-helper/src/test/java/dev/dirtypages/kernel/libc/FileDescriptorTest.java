package dev.dirtypages.kernel.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.Errno;
import dev.dirtypages.kernel.KernelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class FileDescriptorTest {
    /** The {@code flags:} line of {@code /proc/self/fdinfo/<fd>}, octal. */
    static int fdinfoFlags(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring("flags:".length()).trim(), 8);
            }
        }
        throw new AssertionError("no flags line in /proc/self/fdinfo/" + fd);
    }

    @Test
    void opensReadOnlyAndCloseOnExec() throws IOException {
        try (FileDescriptor fd = FileDescriptor.openReadOnly("/proc/self/pagemap")) {
            int flags = fdinfoFlags(fd.fd());
            assertEquals(LibcBinding.O_CLOEXEC, flags & LibcBinding.O_CLOEXEC, "O_CLOEXEC in 0" + Integer.toOctalString(flags));
            assertEquals(LibcBinding.O_RDONLY, flags & 3, "access mode in 0" + Integer.toOctalString(flags));
        }
    }

    @Test
    void opensReadWriteWhereAllowedAndCloseOnExec() throws IOException {
        Path file = Files.createTempFile("dirtypages-fd", ".bin");
        try (FileDescriptor fd = FileDescriptor.openReadOnlyOrReadWrite(file.toString())) {
            int flags = fdinfoFlags(fd.fd());
            assertEquals(LibcBinding.O_CLOEXEC, flags & LibcBinding.O_CLOEXEC, "O_CLOEXEC in 0" + Integer.toOctalString(flags));
            assertEquals(LibcBinding.O_RDWR, flags & 3, "access mode in 0" + Integer.toOctalString(flags));
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void fallsBackToReadOnlyWhereWritingIsNotAllowed() throws IOException {
        // A directory cannot be opened for writing (EISDIR), not even by root, but can be read-only.
        Path dir = Files.createTempDirectory("dirtypages-fd");
        try (FileDescriptor fd = FileDescriptor.openReadOnlyOrReadWrite(dir.toString())) {
            int flags = fdinfoFlags(fd.fd());
            assertEquals(LibcBinding.O_RDONLY, flags & 3, "access mode in 0" + Integer.toOctalString(flags));
            assertEquals(LibcBinding.O_CLOEXEC, flags & LibcBinding.O_CLOEXEC, "O_CLOEXEC in 0" + Integer.toOctalString(flags));
        } finally {
            Files.delete(dir);
        }
    }

    @Test
    void reportsAMissingFileAsKernelExceptionWithENOENT() {
        KernelException e = assertThrows(KernelException.class,
                () -> FileDescriptor.openReadOnly("/proc/self/no-such-file-dirtypages"));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("no-such-file-dirtypages") && e.getMessage().contains("ENOENT"), e.getMessage());
    }

    @Test
    void closesOnceAndRefusesItsNumberAfterwards() {
        FileDescriptor fd = FileDescriptor.openReadOnly("/proc/self/maps");
        assertFalse(fd.isClosed());
        fd.close();
        fd.close();
        assertTrue(fd.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, fd::fd);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertTrue(fd.toString().contains("closed"), fd.toString());
    }

    @Test
    void rejectsANegativeNumber() {
        assertThrows(IllegalArgumentException.class, () -> new FileDescriptor(-1, "nothing"));
    }

    @Test
    void libcAgreesWithTheJvmOnProcessIdAndPageSize() {
        assertEquals(ProcessHandle.current().pid(), LibcBinding.getpid());
        assertTrue(LibcBinding.getpagesize() >= 4096);
    }
}
