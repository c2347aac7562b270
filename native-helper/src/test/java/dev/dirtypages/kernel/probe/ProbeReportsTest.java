package dev.dirtypages.kernel.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.Errno;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.uffd.Userfaultfd;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the probe tells people, on made-up findings. */
class ProbeReportsTest {
    @Test
    void extractsTheBracketedModeOfASysfsChoice() {
        assertEquals("madvise", CapabilityProbe.bracketed("always [madvise] never\n"));
        assertEquals("always", CapabilityProbe.bracketed("[always] madvise never"));
        assertEquals("never", CapabilityProbe.bracketed("always madvise [never]"));
        assertEquals("within_size", CapabilityProbe.bracketed("always [within_size] advise never deny force"));
        assertEquals("no brackets", CapabilityProbe.bracketed("  no brackets \n"));
        assertEquals("[unclosed", CapabilityProbe.bracketed("[unclosed"));
        assertEquals("", CapabilityProbe.bracketed("a [] b"));
    }

    @Test
    void tellsAKernelWithoutPagemapScanFromOneThatRefusesIt() {
        KernelException enotty = new KernelException("PAGEMAP_SCAN [0x1000, 0x2000)", Errno.ENOTTY, "whatever");
        Problem old = CapabilityProbe.pagemapScanProblem(enotty, "6.6.30-generic");
        assertEquals("PAGEMAP_SCAN", old.feature());
        assertTrue(old.cause().contains("6.6.30-generic has no PAGEMAP_SCAN ioctl"), old.cause());
        assertTrue(old.fix().contains("Linux 6.7 or newer"), old.fix());

        Problem refused = CapabilityProbe.pagemapScanProblem(enotty, "6.18.4");
        assertTrue(refused.cause().contains("refused (ENOTTY)") && refused.cause().contains("seccomp"), refused.cause());
        assertTrue(refused.fix().contains("0xc0606610"), refused.fix());
        assertFalse(refused.cause().contains("0x1000"), "no addresses for people: " + refused.cause());

        KernelException other = new KernelException("PAGEMAP_SCAN", Errno.EACCES, "no ptrace access");
        assertTrue(CapabilityProbe.pagemapScanProblem(other, "6.18").cause().contains("EACCES"));
    }

    @Test
    void describesAProblemWithItsFixWhenThereIsOne() {
        assertEquals("userfaultfd: denied; fix: allow it", new Problem("userfaultfd", "denied", "allow it").describe());
        assertEquals("PAGEMAP_SCAN: odd", new Problem("PAGEMAP_SCAN", "odd", "").describe());
    }

    @Test
    void listsEveryProblemUnderAMachineThatCannotTrackWrites() {
        Capabilities old = new Capabilities("5.15.0", "amd64", Optional.of(Userfaultfd.Source.SYSCALL), 0x3ff, false, 0,
                1, "never", 0, 2L << 20, List.of(
                        new Problem("userfaultfd write-protect-async", "kernel 5.15.0 offers features 0x3ff", "use Linux 6.7"),
                        new Problem("PAGEMAP_SCAN", "ENOTTY", "use Linux 6.7 or newer")));
        assertFalse(old.writeTracking());
        assertFalse(old.writeProtectAsync());
        assertFalse(old.hugetlbAvailable());
        String text = old.describe();
        assertTrue(text.contains("write tracking: NOT available"), text);
        assertTrue(text.contains("  - userfaultfd write-protect-async: kernel 5.15.0 offers features 0x3ff; fix: use Linux 6.7\n"), text);
        assertTrue(text.contains("  - PAGEMAP_SCAN: ENOTTY; fix: use Linux 6.7 or newer\n"), text);
        assertTrue(text.contains("userfaultfd: yes, via SYSCALL, features 0x3ff (WP_ASYNC no, WP_UNPOPULATED no)"), text);
        assertTrue(text.contains("transparent huge pages: never"), text);
        assertTrue(text.contains("hugetlb: 0 free pages of 2048 KiB"), text);
    }

    @Test
    void needsUserfaultfdAndBothFeaturesAndTheScan() {
        long both = Userfaultfd.WRITE_TRACKING_FEATURES;
        assertTrue(caps(Optional.of(Userfaultfd.Source.DEVICE), both, true).writeTracking());
        assertFalse(caps(Optional.empty(), both, true).writeTracking());
        assertFalse(caps(Optional.of(Userfaultfd.Source.SYSCALL), both & ~(1L << 13), true).writeTracking());
        assertFalse(caps(Optional.of(Userfaultfd.Source.SYSCALL), both, false).writeTracking());
    }

    private static Capabilities caps(Optional<Userfaultfd.Source> source, long features, boolean scan) {
        return new Capabilities("6.18", "amd64", source, features, scan, 0xff, -1, "madvise", 4, 2L << 20, List.of());
    }
}
