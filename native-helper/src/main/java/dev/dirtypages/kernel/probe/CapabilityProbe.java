package dev.dirtypages.kernel.probe;

import static dev.dirtypages.kernel.pagemap.PagemapBinding.ALL_KNOWN_CATEGORIES;

import dev.dirtypages.kernel.Errno;
import dev.dirtypages.kernel.KernelException;
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
            problems.add(new Problem("userfaultfd", e.getMessage(), fixForUserfaultfd(e.errno(), unprivileged)));
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
            problems.add(new Problem("PAGEMAP_SCAN", e.getMessage(),
                    e.errno() == Errno.ENOTTY ? "use Linux 6.7 or newer" : ""));
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

    static String fixForUserfaultfd(int errno, int unprivileged) {
        switch (errno) {
            case Errno.EPERM:
                return "allow the userfaultfd system call in the seccomp profile (Docker: a custom --security-opt "
                        + "seccomp profile), or run outside the container"
                        + (unprivileged == 0 ? "; with an old kernel also: sysctl -w vm.unprivileged_userfaultfd=1" : "");
            case Errno.ENOSYS:
                return "use a kernel built with CONFIG_USERFAULTFD=y (6.7 or newer)";
            case Errno.EINVAL:
                return "use Linux 6.7 or newer";
            default:
                return "use Linux 6.7 or newer with userfaultfd allowed for this process";
        }
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
