package dev.dirtypages.kernel.mman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.proc.Mapping;
import dev.dirtypages.kernel.proc.ProcFiles;
import dev.dirtypages.kernel.proc.ProcMaps;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class AnonymousMappingTest {
    private static final long P = Pages.SIZE;

    @Test
    void readsBackWhatWasWrittenAndStartsZeroed() {
        try (AnonymousMapping m = AnonymousMapping.readWrite(4 * P)) {
            assertEquals(0, m.read(3 * P + 7));
            m.write(3 * P + 7, (byte) 42);
            assertEquals(42, m.read(3 * P + 7));
            assertEquals(m.address() + 4 * P, m.end());
            assertTrue(Pages.isAligned(m.address()));
        }
    }

    @Test
    void alignsToTheRequestedPowerOfTwoAndIsWritable() {
        long twoMiB = 2L << 20;
        try (AnonymousMapping m = AnonymousMapping.aligned(3 * twoMiB, twoMiB)) {
            assertEquals(0, m.address() % twoMiB);
            assertEquals(3 * twoMiB, m.length());
            Mapping vma = ProcMaps.overlapping(ProcMaps.self(), m.address(), m.end()).get(0);
            assertEquals("rw-p", vma.permissions(), "made accessible after trimming the reservation");
            m.write(m.length() - 1, (byte) 1);
            assertEquals(1, m.read(m.length() - 1));
        }
        assertThrows(IllegalArgumentException.class, () -> AnonymousMapping.aligned(P, 3 * P));
    }

    @Test
    void reservesWithoutAccessUntilProtected() {
        try (AnonymousMapping m = AnonymousMapping.reserve(4 * P)) {
            Mapping vma = ProcMaps.overlapping(ProcMaps.self(), m.address(), m.end()).get(0);
            assertTrue(vma.reserved(), vma.toString());
            m.protect(0, P, MmanBinding.PROT_READ | MmanBinding.PROT_WRITE);
            m.write(5, (byte) 5);
            assertEquals(5, m.read(5));
        }
    }

    @Test
    void rejectsOffsetsOutsideTheMapping() {
        try (AnonymousMapping m = AnonymousMapping.readWrite(P)) {
            assertThrows(IndexOutOfBoundsException.class, () -> m.write(P, (byte) 1));
            assertThrows(IndexOutOfBoundsException.class, () -> m.read(-1));
        }
    }

    @Test
    void refusesToTouchMemoryAfterCloseInsteadOfCrashingTheJvm() {
        AnonymousMapping m = AnonymousMapping.readWrite(P);
        m.close();
        m.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.write(0, (byte) 1));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> m.read(0));
        assertThrows(IllegalStateException.class, () -> m.remapFixed(0, P, MmanBinding.PROT_READ));
        assertThrows(IllegalStateException.class, () -> m.advise(0, P, MmanBinding.MADV_DONTNEED));
    }

    @Test
    void rejectsANonPositiveLength() {
        assertThrows(IllegalArgumentException.class, () -> AnonymousMapping.readWrite(0));
    }

    @Test
    void reportsFailingSystemCallsAsKernelExceptions() {
        try (AnonymousMapping m = AnonymousMapping.readWrite(2 * P)) {
            KernelException e = assertThrows(KernelException.class, () -> m.advise(0, P, 12345));
            assertTrue(e.getMessage().startsWith("madvise 12345 failed: EINVAL"), e.getMessage());
        }
    }

    @Test
    void explainsHowToReserveHugetlbPagesWhenThereAreTooFew() {
        // One page more than are free, whether or not this machine reserved some.
        long pageSize = ProcFiles.meminfo().getOrDefault("Hugepagesize", 2L << 20);
        long free = ProcFiles.meminfo().getOrDefault("HugePages_Free", 0L);
        KernelException e = assertThrows(KernelException.class, () -> AnonymousMapping.hugetlb((free + 1) * pageSize));
        assertTrue(e.getMessage().contains("echo N > /proc/sys/vm/nr_hugepages"), e.getMessage());
    }
}
