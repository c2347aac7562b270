package dev.dirtypages.kernel.proc;

/**
 * One line of {@code /proc/<pid>/maps}: a VMA.
 *
 * @param start       first address
 * @param end         first address past the VMA
 * @param permissions the four characters {@code rwxp} / {@code rwxs}, {@code -} where absent
 * @param offset      file offset of the mapping
 * @param device      {@code major:minor} of the file's device
 * @param inode       the file's inode, 0 for anonymous memory
 * @param path        the file or pseudo-name ({@code [heap]}, {@code [stack]}, {@code /memfd:java_heap (deleted)}), empty if none
 */
public record Mapping(long start, long end, String permissions, long offset, String device, long inode, String path) {
    public long length() {
        return end - start;
    }

    public boolean readable() {
        return permissions.charAt(0) == 'r';
    }

    public boolean writable() {
        return permissions.charAt(1) == 'w';
    }

    public boolean executable() {
        return permissions.charAt(2) == 'x';
    }

    public boolean shared() {
        return permissions.charAt(3) == 's';
    }

    /** No access at all: a reservation, as HotSpot keeps the uncommitted part of its heap. */
    public boolean reserved() {
        return permissions.startsWith("---");
    }

    /** Anonymous memory (no file behind it, or a pseudo-name such as {@code [heap]}). */
    public boolean anonymous() {
        return inode == 0 && (path.isEmpty() || path.startsWith("["));
    }

    public boolean contains(long address) {
        return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
    }

    @Override
    public String toString() {
        return String.format("%x-%x %s %s", start, end, permissions, path);
    }
}
