package dev.dirtypages.kernel.probe;

import static dev.dirtypages.kernel.pagemap.PagemapBinding.ALL_KNOWN_CATEGORIES;

import dev.dirtypages.kernel.Errno;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.KernelRelease;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.pagemap.PagemapScanner;
import dev.dirtypages.kernel.pagemap.ScanQuery;
import dev.dirtypages.kernel.proc.ProcFiles;
import dev.dirtypages.kernel.uffd.Userfaultfd;
import dev.dirtypages.kernel.uffd.UserfaultfdUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds out once what this kernel and process can do for write tracking, and for each thing missing
 * says why and how to fix it. Never throws: a probe that fails is itself a finding.
 */
public final class CapabilityProbe {
    private static volatile Capabilities cached;

    private CapabilityProbe() {
    }

    /** The capabilities of this process, probed on first use. */
    public static Capabilities capabilities() {
        Capabilities c = cached;
        if (c == null) {
            synchronized (CapabilityProbe.class) {
                c = cached;
                if (c == null) {
                    c = probe();
                    cached = c;
                }
            }
        }
        return c;
    }

    /** Probes now (for tests that change the conditions); {@link #capabilities()} caches. */
    public static Capabilities probe() {
        List<Problem> problems = new ArrayList<>();
        String release = System.getProperty("os.version", "unknown");
        int unprivileged = readInt("/proc/sys/vm/unprivileged_userfaultfd");

        Optional<Userfaultfd.Source> source = Optional.empty();
        long features = 0;
        try (Userfaultfd uffd = Userfaultfd.open(0)) {
            source = Optional.of(uffd.source());
            features = uffd.features();
        } catch (UserfaultfdUnavailableException e) {
            problems.add(new Problem("userfaultfd", e.reason().isEmpty() ? e.getMessage() : e.reason(), e.fix()));
        } catch (RuntimeException | LinkageError e) {
            problems.add(new Problem("userfaultfd", "could not be probed: " + e, ""));
        }
        if (source.isPresent() && (features & Userfaultfd.WRITE_TRACKING_FEATURES) != Userfaultfd.WRITE_TRACKING_FEATURES) {
            problems.add(new Problem("userfaultfd write-protect-async",
                    String.format("kernel %s offers features 0x%x without UFFD_FEATURE_WP_ASYNC/WP_UNPOPULATED", release,
                            features),
                    "use Linux 6.7 or newer"));
        }

        boolean pagemapScan = false;
        long categories = 0;
        try (PagemapScanner scanner = PagemapScanner.openSelf(1);
             AnonymousMapping page = AnonymousMapping.readWrite(Pages.SIZE)) {
            scanner.scan(page.address(), page.end(), ScanQuery.builder().returning(1).build());
            pagemapScan = true;
            for (int bit = 0; bit < 64 && (1L << bit) <= ALL_KNOWN_CATEGORIES; bit++) {
                if (acceptsCategory(scanner, page, 1L << bit)) {
                    categories |= 1L << bit;
                }
            }
        } catch (KernelException e) {
            problems.add(pagemapScanProblem(e, release));
        } catch (RuntimeException | LinkageError e) {
            problems.add(new Problem("PAGEMAP_SCAN", "could not be probed: " + e, ""));
        }

        Map<String, Long> meminfo = ProcFiles.meminfo();
        String thp = ProcFiles.readText("/sys/kernel/mm/transparent_hugepage/enabled")
                .map(CapabilityProbe::bracketed).orElse("unavailable");
        return new Capabilities(release, System.getProperty("os.arch", "unknown"), source, features, pagemapScan,
                categories, unprivileged, thp, meminfo.getOrDefault("HugePages_Free", 0L),
                meminfo.getOrDefault("Hugepagesize", 0L), List.copyOf(problems));
    }

    private static boolean acceptsCategory(PagemapScanner scanner, AnonymousMapping page, long bit) {
        try {
            scanner.scan(page.address(), page.end(), ScanQuery.builder().returning(bit).build());
            return true;
        } catch (KernelException e) {
            return false;
        }
    }

    /** Why the PAGEMAP_SCAN probe failed and what to do: ENOTTY means no such ioctl, or one refused. */
    static Problem pagemapScanProblem(KernelException e, String release) {
        if (e.errno() == Errno.ENOTTY) {
            if (KernelRelease.atLeast(release, 6, 7)) {
                return new Problem("PAGEMAP_SCAN", "the ioctl is refused (ENOTTY) although kernel " + release
                        + " has it (since 6.7): a seccomp filter or sandbox blocks it",
                        "allow ioctl PAGEMAP_SCAN (request 0xc0606610 on /proc/<pid>/pagemap) in the seccomp "
                                + "profile or sandbox, or run outside it");
            }
            return new Problem("PAGEMAP_SCAN", "kernel " + release + " has no PAGEMAP_SCAN ioctl (ENOTTY; it came "
                    + "with Linux 6.7)", "upgrade the kernel to Linux 6.7 or newer");
        }
        return new Problem("PAGEMAP_SCAN", e.getMessage(), "");
    }

    /** {@code "always [madvise] never"} gives {@code "madvise"}. */
    static String bracketed(String text) {
        int open = text.indexOf('[');
        int close = text.indexOf(']', open + 1);
        return open >= 0 && close > open ? text.substring(open + 1, close) : text.trim();
    }

    private static int readInt(String path) {
        try {
            return ProcFiles.readText(path).map(String::trim).map(Integer::parseInt).orElse(-1);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Prints what this machine can do ({@code java -jar dirtypages-agent.jar probe}); the exit status is 1
     * when write tracking is not available, so that scripts can test for it.
     */
    public static void main(String[] args) {
        Capabilities capabilities = probe();
        System.out.print(capabilities.describe());
        System.out.flush();
        if (!capabilities.writeTracking()) {
            System.exit(1);
        }
    }
}
