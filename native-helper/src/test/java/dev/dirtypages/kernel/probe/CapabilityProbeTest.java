package dev.dirtypages.kernel.probe;

import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_HUGE;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_PFNZERO;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_WPALLOWED;
import static dev.dirtypages.kernel.pagemap.PagemapBinding.PAGE_IS_WRITTEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.libc.LibcBinding;
import dev.dirtypages.kernel.pagemap.PagemapScanner;
import dev.dirtypages.kernel.uffd.Userfaultfd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The probe on this machine, where write tracking works (CI runs with it required). */
@EnabledIfUserfaultfd
class CapabilityProbeTest {
    @Test
    void findsWriteTrackingAvailableWithNoProblems() {
        Capabilities c = CapabilityProbe.probe();
        assertTrue(c.writeTracking(), c.describe());
        assertTrue(c.userfaultfd() && c.writeProtectAsync() && c.pagemapScan(), c.describe());
        assertEquals(Userfaultfd.WRITE_TRACKING_FEATURES, c.userfaultfdFeatures() & Userfaultfd.WRITE_TRACKING_FEATURES);
        assertTrue(c.problems().isEmpty(), c.describe());
        assertEquals(System.getProperty("os.version"), c.kernelRelease());
    }

    @Test
    void findsEveryCategoryOfTheFirstPagemapScanKernel() {
        Capabilities c = CapabilityProbe.probe();
        for (long bit = PAGE_IS_WPALLOWED; bit <= PAGE_IS_HUGE; bit <<= 1) {
            assertTrue(c.supportsCategory(bit), "category bit 0x" + Long.toHexString(bit) + " in " + c.describe());
        }
        assertTrue(c.supportsCategory(PAGE_IS_WRITTEN | PAGE_IS_PFNZERO));
    }

    @Test
    void describesThisMachineForPeople() {
        String text = CapabilityProbe.capabilities().describe();
        assertTrue(text.contains("PAGEMAP_SCAN: yes"), text);
        assertTrue(text.contains("WP_ASYNC yes, WP_UNPOPULATED yes"), text);
        assertTrue(text.contains("write tracking: available"), text);
        assertTrue(text.startsWith("kernel " + System.getProperty("os.version")), text);
    }

    @Test
    void probesOnceAndCaches() {
        assertSame(CapabilityProbe.capabilities(), CapabilityProbe.capabilities());
    }

    @Test
    void readsTheTransparentHugePageModeAndHugetlbSize() {
        Capabilities c = CapabilityProbe.capabilities();
        assertTrue(Set.of("always", "madvise", "never", "unavailable").contains(c.transparentHugePages()),
                c.transparentHugePages());
        assertTrue(c.hugetlbPageSize() == 0 || Long.bitCount(c.hugetlbPageSize()) == 1, c.describe());
        assertEquals(c.hugetlbPagesFree() > 0 && c.hugetlbPageSize() > 0, c.hugetlbAvailable());
    }

    @Test
    void leavesNoDescriptorOpenAndOpensItsOwnCloseOnExec() throws IOException {
        Set<Integer> before = pagemapDescriptors();
        CapabilityProbe.probe();
        assertEquals(before, pagemapDescriptors(), "the probe closed what it opened");
        try (PagemapScanner scanner = PagemapScanner.openSelf(1)) {
            Set<Integer> opened = pagemapDescriptors();
            opened.removeAll(before);
            assertEquals(1, opened.size(), "one pagemap descriptor per " + scanner);
            int fd = opened.iterator().next();
            String flags = Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)).stream()
                    .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
            int value = Integer.parseInt(flags.substring("flags:".length()).trim(), 8);
            assertEquals(LibcBinding.O_CLOEXEC, value & LibcBinding.O_CLOEXEC, "the scanner's " + flags);
        }
        assertEquals(before, pagemapDescriptors(), "closing the scanner closed its descriptor");
    }

    /** Our descriptors open on a pagemap file (the JVM itself opens none). */
    private static Set<Integer> pagemapDescriptors() throws IOException {
        Set<Integer> out = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().endsWith("/pagemap")) {
                        out.add(Integer.parseInt(fd.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // closed while listing (e.g. the listing's own descriptor)
                }
            }
        }
        return out;
    }
}
