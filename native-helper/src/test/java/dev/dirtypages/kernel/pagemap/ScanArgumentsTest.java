package dev.dirtypages.kernel.pagemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.Errno;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.PageSets;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad arguments end in a Java exception that says what is wrong, never in a crash or a silent result. */
@EnabledIfUserfaultfd
class ScanArgumentsTest {
    private static final long P = Pages.SIZE;

    private AnonymousMapping m;
    private PagemapScanner scanner;

    @BeforeEach
    void setUp() {
        m = TestMemory.smallPages(8);
        scanner = PagemapScanner.openSelf(4);
    }

    @AfterEach
    void tearDown() {
        scanner.close();
        m.close();
    }

    @Test
    void rejectsAnUnalignedStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> scanner.scan(m.address() + 8, m.end(), ScanQuery.WRITTEN));
        assertTrue(e.getMessage().contains("not aligned"), e.getMessage());
    }

    @Test
    void roundsAnUnalignedEndUpToItsPage() {
        m.write(0, (byte) 1);
        List<PageRegion> regions = scanner.scan(m.address(), m.address() + 1,
                ScanQuery.builder().require(PagemapBinding.PAGE_IS_PRESENT).build());
        assertEquals(PageSets.of(0), PageSets.pagesOf(regions, m.address()));
    }

    @Test
    void rejectsEmptyAndInvertedRanges() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> scanner.scan(m.address(), m.address(), ScanQuery.WRITTEN));
        assertTrue(empty.getMessage().contains("empty or inverted"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> scanner.scan(m.end(), m.address(), ScanQuery.WRITTEN));
    }

    @Test
    void reportsARangeBeyondTheAddressSpaceAsKernelExceptionWithEFAULT() {
        for (long end : new long[] {1L << 47 | 1L << 56, -P, Long.MIN_VALUE}) {
            KernelException e = assertThrows(KernelException.class, () -> scanner.scan(m.address(), end, ScanQuery.WRITTEN),
                    () -> String.format("end 0x%x", end));
            assertEquals(Errno.EFAULT, e.errno());
            assertTrue(e.getMessage().startsWith("PAGEMAP_SCAN [0x"), e.getMessage());
            assertTrue(e.getMessage().contains("EFAULT: the range lies outside the process's address space"), e.getMessage());
        }
    }

    @Test
    void refusesToScanAfterClose() {
        scanner.close();
        scanner.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> scanner.scan(m.address(), m.end(), ScanQuery.WRITTEN));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void rejectsCapacitiesOutsideOneToAMillionRegions() {
        assertThrows(IllegalArgumentException.class, () -> PagemapScanner.openSelf(0));
        assertThrows(IllegalArgumentException.class, () -> PagemapScanner.openSelf((1 << 20) + 1));
        assertThrows(IllegalArgumentException.class, () -> PagemapScanner.openProcess(0, 4));
        assertThrows(IllegalArgumentException.class, () -> PagemapScanner.openProcess(-5, 4));
    }

    @Test
    void reportsAProcessThatDoesNotExistAsENOENT() {
        KernelException e = assertThrows(KernelException.class, () -> PagemapScanner.openProcess(Integer.MAX_VALUE, 4));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("/proc/" + Integer.MAX_VALUE + "/pagemap"), e.getMessage());
    }

    @Test
    void scansThisProcessByPidAsBySelf() {
        m.write(3 * P, (byte) 1);
        try (PagemapScanner byPid = PagemapScanner.openProcess((int) ProcessHandle.current().pid(), 4)) {
            ScanQuery present = ScanQuery.builder().require(PagemapBinding.PAGE_IS_PRESENT).build();
            assertEquals(scanner.scan(m.address(), m.end(), present), byPid.scan(m.address(), m.end(), present));
            assertTrue(byPid.toString().contains("/proc/" + ProcessHandle.current().pid() + "/pagemap"), byPid.toString());
        }
    }

    @Test
    void explainsEachKernelErrorWithCauseAndFix() {
        ScanQuery q = ScanQuery.WRITTEN;
        assertTrue(PagemapScanner.explain(Errno.ENOTTY, q).contains("6.7"));
        assertTrue(PagemapScanner.explain(Errno.EINVAL, q).contains(q.toString()));
        assertTrue(PagemapScanner.explain(Errno.EINVAL, q).contains("category bit"));
        assertTrue(PagemapScanner.explain(Errno.EPERM, q).contains("not registered"));
        assertTrue(PagemapScanner.explain(Errno.EACCES, q).contains("ptrace"));
        assertNull(PagemapScanner.explain(Errno.ENOMEM, q));
    }
}
