package dev.dirtypages.kernel.uffd;

import static dev.dirtypages.kernel.PageSets.assertSamePages;
import static dev.dirtypages.kernel.PageSets.pagesOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.Errno;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.PageSets;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.libc.LibcBinding;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.mman.MmanBinding;
import dev.dirtypages.kernel.pagemap.PagemapBinding;
import dev.dirtypages.kernel.pagemap.PagemapScanner;
import dev.dirtypages.kernel.pagemap.RegionVisitor;
import dev.dirtypages.kernel.pagemap.ScanQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registration semantics of userfaultfd in write-protect-async mode, on the real kernel. */
@EnabledIfUserfaultfd
class UserfaultfdTest {
    private static final long P = Pages.SIZE;
    private static final ScanQuery ARM = ScanQuery.builder().flags(PagemapBinding.PM_SCAN_WP_MATCHING)
            .require(PagemapBinding.PAGE_IS_WRITTEN).returning(PagemapBinding.PAGE_IS_WRITTEN).build();
    /** The kernel's own view of WRITTEN, holes included (ScanQuery.WRITTEN leaves holes out). */
    private static final ScanQuery KERNEL_WRITTEN = ScanQuery.builder().require(PagemapBinding.PAGE_IS_WRITTEN)
            .returning(PagemapBinding.PAGE_IS_WRITTEN).build();
    private static final ScanQuery WP_ALLOWED = ScanQuery.builder().require(PagemapBinding.PAGE_IS_WPALLOWED)
            .returning(0).build();

    private PagemapScanner scanner;

    @BeforeEach
    void openScanner() {
        scanner = PagemapScanner.openSelf(64);
    }

    @AfterEach
    void closeScanner() {
        scanner.close();
    }

    private BitSet written(AnonymousMapping m) {
        return pagesOf(scanner.scan(m.address(), m.end(), KERNEL_WRITTEN), m.address());
    }

    private BitSet wpAllowed(AnonymousMapping m) {
        return pagesOf(scanner.scan(m.address(), m.end(), WP_ALLOWED), m.address());
    }

    @Test
    void opensWithTheWriteTrackingFeaturesCloseOnExecAndNonBlocking() throws IOException {
        try (Userfaultfd uffd = Userfaultfd.openForWriteTracking()) {
            assertEquals(Userfaultfd.WRITE_TRACKING_FEATURES, uffd.features() & Userfaultfd.WRITE_TRACKING_FEATURES,
                    String.format("features 0x%x", uffd.features()));
            assertTrue((uffd.apiIoctls() & (1L << 0x3F)) != 0 && (uffd.apiIoctls() & 1L) != 0,
                    String.format("UFFDIO_API and UFFDIO_REGISTER in ioctls 0x%x", uffd.apiIoctls()));
            int flags = fdinfoFlags(uffd.fd());
            assertEquals(LibcBinding.O_CLOEXEC, flags & LibcBinding.O_CLOEXEC, "O_CLOEXEC in 0" + Integer.toOctalString(flags));
            assertEquals(LibcBinding.O_NONBLOCK, flags & LibcBinding.O_NONBLOCK, "O_NONBLOCK in 0" + Integer.toOctalString(flags));
            assertTrue(uffd.toString().contains(uffd.source().name()), uffd.toString());
        }
        assertEquals(Userfaultfd.WRITE_TRACKING_FEATURES, Userfaultfd.supportedFeatures() & Userfaultfd.WRITE_TRACKING_FEATURES);
    }

    static int fdinfoFlags(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring("flags:".length()).trim(), 8);
            }
        }
        throw new AssertionError("no flags line for fd " + fd);
    }

    @Test
    void registrationAllowsWriteProtectOnTheRange() {
        try (AnonymousMapping m = TestMemory.smallPages(8); Userfaultfd uffd = Userfaultfd.openForWriteTracking()) {
            long ioctls = uffd.register(m.address(), m.end());
            assertTrue((ioctls & (1L << UserfaultfdBinding._UFFDIO_WRITEPROTECT)) != 0, String.format("ioctls 0x%x", ioctls));
            assertSamePages(PageSets.range(0, 8), wpAllowed(m), "registered pages are WP-allowed");
        }
    }

    @Test
    void refusesAnUnsupportedFeatureNamingWhatIsMissing() {
        UserfaultfdUnavailableException e = assertThrows(UserfaultfdUnavailableException.class,
                () -> Userfaultfd.open(Userfaultfd.WRITE_TRACKING_FEATURES | (1L << 62)));
        assertTrue(e.getMessage().contains("lacks features 0x4000000000000000"), e.getMessage());
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void registersARangeSpanningAHole() {
        try (AnonymousMapping m = TestMemory.smallPages(12); Userfaultfd uffd = Userfaultfd.openForWriteTracking()) {
            unmap(m, 4, 4);
            uffd.register(m.address(), m.end());
            BitSet expected = PageSets.union(PageSets.range(0, 4), PageSets.range(8, 12));
            assertSamePages(expected, wpAllowed(m), "both sides of the hole registered, the hole not reported");
        }
    }

    @Test
    void refusesARangeEntirelyInAHoleWithEINVAL() {
        try (AnonymousMapping m = TestMemory.smallPages(12); Userfaultfd uffd = Userfaultfd.openForWriteTracking()) {
            unmap(m, 4, 4);
            KernelException e = assertThrows(KernelException.class, () -> uffd.register(m.address() + 4 * P, m.address() + 8 * P));
            assertEquals(Errno.EINVAL, e.errno(), e.getMessage());
            assertTrue(e.getMessage().startsWith("UFFDIO_REGISTER [0x" + Long.toHexString(m.address() + 4 * P)), e.getMessage());
            assertTrue(e.getMessage().contains("EINVAL") && e.getMessage().contains("not entirely mapped"), e.getMessage());
        }
    }

    @Test
    void refusesARangeAnotherUserfaultfdOwnsWithEBUSY() {
        try (AnonymousMapping m = TestMemory.smallPages(8);
             Userfaultfd first = Userfaultfd.openForWriteTracking();
             Userfaultfd second = Userfaultfd.openForWriteTracking()) {
            first.register(m.address() + 2 * P, m.address() + 4 * P);
            KernelException whole = assertThrows(KernelException.class, () -> second.register(m.address(), m.end()));
            assertEquals(Errno.EBUSY, whole.errno());
            assertTrue(whole.getMessage().contains("EBUSY") && whole.getMessage().contains("another userfaultfd"),
                    whole.getMessage());
            KernelException part = assertThrows(KernelException.class,
                    () -> second.register(m.address() + 3 * P, m.address() + 4 * P));
            assertEquals(Errno.EBUSY, part.errno());
            second.register(m.address() + 4 * P, m.end()); // the part nobody owns is free
        }
    }

    @Test
    void reRegisteringWithTheSameUserfaultfdKeepsTheArmingOfRegisteredPages() {
        try (AnonymousMapping m = TestMemory.smallPages(16); Userfaultfd uffd = Userfaultfd.openForWriteTracking()) {
            uffd.register(m.address(), m.address() + 8 * P);
            scanner.scan(m.address(), m.address() + 8 * P, ARM, RegionVisitor.IGNORE);
            m.write(P, (byte) 1);

            uffd.register(m.address(), m.end());           // whole, and beyond what was registered
            uffd.register(m.address() + 2 * P, m.address() + 3 * P); // part
            BitSet expected = PageSets.union(PageSets.of(1), PageSets.range(8, 16));
            assertSamePages(expected, written(m), "page 1 was written; 8..15 are newly registered and not yet armed");
        }
    }

    @Test
    void reportsEveryPageWrittenUntilArmedThenNone() {
        try (AnonymousMapping m = TestMemory.smallPages(16); Userfaultfd uffd = Userfaultfd.openForWriteTracking()) {
            uffd.register(m.address(), m.end());
            assertSamePages(PageSets.range(0, 16), written(m), "fresh registration");
            scanner.scan(m.address(), m.end(), ARM, RegionVisitor.IGNORE);
            assertSamePages(new BitSet(), written(m), "after arming");
        }
    }

    @Test
    void writeProtectArmsAndUnprotectDisarmsTheWholeRange() {
        try (AnonymousMapping m = TestMemory.smallPages(16); Userfaultfd uffd = Userfaultfd.openForWriteTracking()) {
            m.write(3 * P, (byte) 3);
            uffd.register(m.address(), m.end());
            uffd.writeProtect(m.address(), m.end(), true);
            assertSamePages(new BitSet(), written(m), "after UFFDIO_WRITEPROTECT");
            m.write(5 * P, (byte) 5);
            assertSamePages(PageSets.of(5), written(m), "one write after protecting");
            uffd.writeProtect(m.address(), m.end(), false);
            assertSamePages(PageSets.range(0, 16), written(m), "after removing the protection");
        }
    }

    @Test
    void refusesToWriteProtectAnUnregisteredRangeSayingSo() {
        try (AnonymousMapping m = TestMemory.smallPages(4); Userfaultfd uffd = Userfaultfd.openForWriteTracking()) {
            KernelException e = assertThrows(KernelException.class, () -> uffd.writeProtect(m.address(), m.end(), true));
            assertTrue(e.getMessage().startsWith("UFFDIO_WRITEPROTECT"), e.getMessage());
            assertTrue(e.getMessage().contains("not (or no longer) registered"), e.getMessage());
        }
    }

    @Test
    void unregisterRemovesTheRegistrationAndItsProtection() {
        try (AnonymousMapping m = TestMemory.smallPages(8); Userfaultfd uffd = Userfaultfd.openForWriteTracking()) {
            uffd.register(m.address(), m.end());
            scanner.scan(m.address(), m.end(), ARM, RegionVisitor.IGNORE);
            uffd.unregister(m.address() + 2 * P, m.address() + 4 * P);
            assertSamePages(PageSets.union(PageSets.range(0, 2), PageSets.range(4, 8)), wpAllowed(m), "after unregistering 2..3");
            m.write(2 * P, (byte) 1); // no longer protected: must not fault into a handler nobody runs
            try (Userfaultfd other = Userfaultfd.openForWriteTracking()) {
                other.register(m.address() + 2 * P, m.address() + 4 * P);
            }
        }
    }

    @Test
    void closingDropsEveryRegistrationSoThatAnotherUserfaultfdCanTakeTheRange() {
        try (AnonymousMapping m = TestMemory.smallPages(8)) {
            Userfaultfd first = Userfaultfd.openForWriteTracking();
            first.register(m.address(), m.end());
            scanner.scan(m.address(), m.end(), ARM, RegionVisitor.IGNORE);
            first.close();
            assertTrue(first.isClosed());
            assertSamePages(new BitSet(), wpAllowed(m), "no registration left behind");
            m.write(0, (byte) 1); // the protection went with it
            try (Userfaultfd second = Userfaultfd.openForWriteTracking()) {
                second.register(m.address(), m.end()); // no EBUSY
                assertSamePages(PageSets.range(0, 8), wpAllowed(m), "registered by the second");
            }
        }
    }

    @Test
    void rejectsUnalignedEmptyAndInvertedRangesBeforeTheKernelSeesThem() {
        try (AnonymousMapping m = TestMemory.smallPages(4); Userfaultfd uffd = Userfaultfd.openForWriteTracking()) {
            long a = m.address();
            assertThrows(IllegalArgumentException.class, () -> uffd.register(a + 1, m.end()));
            assertThrows(IllegalArgumentException.class, () -> uffd.register(a, m.end() - 1));
            assertThrows(IllegalArgumentException.class, () -> uffd.register(a, a));
            assertThrows(IllegalArgumentException.class, () -> uffd.register(m.end(), a));
            assertThrows(IllegalArgumentException.class, () -> uffd.unregister(a + 8, m.end()));
            assertThrows(IllegalArgumentException.class, () -> uffd.writeProtect(m.end(), a, true));
        }
    }

    @Test
    void refusesEveryOperationAfterClose() {
        try (AnonymousMapping m = TestMemory.smallPages(4)) {
            Userfaultfd uffd = Userfaultfd.openForWriteTracking();
            uffd.close();
            uffd.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> uffd.register(m.address(), m.end()));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> uffd.unregister(m.address(), m.end()));
            assertThrows(IllegalStateException.class, () -> uffd.writeProtect(m.address(), m.end(), true));
            assertThrows(IllegalStateException.class, uffd::fd);
        }
    }

    private static void unmap(AnonymousMapping m, int fromPage, int pages) {
        try {
            MmanBinding.munmap(m.address() + fromPage * P, pages * P);
        } catch (com.sun.jna.LastErrorException e) {
            throw new AssertionError("munmap", e);
        }
    }
}
