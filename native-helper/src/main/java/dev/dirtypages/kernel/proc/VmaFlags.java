package dev.dirtypages.kernel.proc;

import java.util.Set;

/**
 * A VMA and the two-letter flags {@code /proc/<pid>/smaps} lists for it on its {@code VmFlags:} line
 * (proc(5)): {@code rd wr ... um uw ui ...}.
 *
 * @param start first address
 * @param end   first address past the VMA
 * @param flags the flags, e.g. {@code "uw"}
 */
public record VmaFlags(long start, long end, Set<String> flags) {
    public VmaFlags {
        flags = Set.copyOf(flags);
    }

    /**
     * Registered with a userfaultfd, in any mode: {@code um} (missing pages), {@code uw} (write-protect)
     * or {@code ui} (minor faults). Registering such a VMA with another userfaultfd fails with EBUSY.
     */
    public boolean userfaultfdRegistered() {
        return flags.contains("um") || flags.contains("uw") || flags.contains("ui");
    }

    @Override
    public String toString() {
        return String.format("%x-%x %s", start, end, String.join(" ", new java.util.TreeSet<>(flags)));
    }
}
