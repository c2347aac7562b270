package dev.dirtypages.kernel.probe;

import dev.dirtypages.kernel.pagemap.PagemapBinding;
import dev.dirtypages.kernel.uffd.Userfaultfd;
import dev.dirtypages.kernel.uffd.UserfaultfdBinding;
import java.util.List;
import java.util.Optional;

/**
 * What this kernel and process can do for write tracking, probed once by {@link CapabilityProbe}.
 *
 * @param kernelRelease         {@code uname -r}
 * @param arch                  the JVM's {@code os.arch}
 * @param userfaultfdSource     how a userfaultfd could be had, empty if it could not
 * @param userfaultfdFeatures   the features the kernel offers (0 when none could be had)
 * @param pagemapScan           the {@code PAGEMAP_SCAN} ioctl exists
 * @param pageCategories        the {@code PAGE_IS_*} bits the kernel accepts
 * @param unprivilegedUserfaultfd {@code vm.unprivileged_userfaultfd}, -1 if unreadable
 * @param transparentHugePages  the bracketed mode of {@code /sys/kernel/mm/transparent_hugepage/enabled}, or "unavailable"
 * @param hugetlbPagesFree      free hugetlb pages of the default size
 * @param hugetlbPageSize       the default hugetlb page size in bytes (0 if unknown)
 * @param problems              each missing capability with its cause and fix; empty when write tracking works
 */
public record Capabilities(
        String kernelRelease,
        String arch,
        Optional<Userfaultfd.Source> userfaultfdSource,
        long userfaultfdFeatures,
        boolean pagemapScan,
        long pageCategories,
        int unprivilegedUserfaultfd,
        String transparentHugePages,
        long hugetlbPagesFree,
        long hugetlbPageSize,
        List<Problem> problems) {

    public boolean userfaultfd() {
        return userfaultfdSource.isPresent();
    }

    /** Async write-protect of populated and unpopulated pages. */
    public boolean writeProtectAsync() {
        return (userfaultfdFeatures & Userfaultfd.WRITE_TRACKING_FEATURES) == Userfaultfd.WRITE_TRACKING_FEATURES;
    }

    /** Everything write tracking needs is here. */
    public boolean writeTracking() {
        return userfaultfd() && writeProtectAsync() && pagemapScan;
    }

    /** hugetlb pages are reserved and free for a test or a large-pages heap. */
    public boolean hugetlbAvailable() {
        return hugetlbPagesFree > 0 && hugetlbPageSize > 0;
    }

    public boolean supportsCategory(long category) {
        return (pageCategories & category) == category;
    }

    /** A multi-line report for people: one line per fact, then one per problem. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append("kernel ").append(kernelRelease).append(" (").append(arch).append(")\n");
        out.append("userfaultfd: ").append(userfaultfdSource.map(s -> "yes, via " + s).orElse("no"))
                .append(String.format(", features 0x%x (WP_ASYNC %s, WP_UNPOPULATED %s)%n", userfaultfdFeatures,
                        yesNo(userfaultfdFeatures, UserfaultfdBinding.UFFD_FEATURE_WP_ASYNC),
                        yesNo(userfaultfdFeatures, UserfaultfdBinding.UFFD_FEATURE_WP_UNPOPULATED)));
        out.append("PAGEMAP_SCAN: ").append(pagemapScan ? "yes" : "no")
                .append(", categories ").append(PagemapBinding.categoryNames(pageCategories)).append('\n');
        out.append("vm.unprivileged_userfaultfd: ").append(unprivilegedUserfaultfd < 0 ? "unknown" : unprivilegedUserfaultfd)
                .append('\n');
        out.append("transparent huge pages: ").append(transparentHugePages).append('\n');
        out.append("hugetlb: ").append(hugetlbPagesFree).append(" free pages of ")
                .append(hugetlbPageSize / 1024).append(" KiB\n");
        out.append("write tracking: ").append(writeTracking() ? "available" : "NOT available").append('\n');
        for (Problem p : problems) {
            out.append("  - ").append(p.describe()).append('\n');
        }
        return out.toString();
    }

    private static String yesNo(long features, long bit) {
        return (features & bit) != 0 ? "yes" : "no";
    }
}
