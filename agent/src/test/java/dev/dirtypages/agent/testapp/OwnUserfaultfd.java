package dev.dirtypages.agent.testapp;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Random;
import java.util.TreeSet;

/**
 * An application that tracks writes to part of its own heap with its own userfaultfd, in write-protect-async
 * mode, before any agent arrives: the agent, attached later, must leave that part alone (the kernel refuses
 * a second registration with EBUSY, and a write-protect scan there would re-arm the application's pages and
 * hide its writes from it).
 *
 * <p>Needs JNA on the class path (the test passes its own copy) and {@code -XX:-UseCompressedOops}. Prints
 * {@code BLOCK <firstPage> <pages>} and {@code OWNED <start> <end>} (addresses), then waits for the agent
 * ({@code agentState=...}), lets it scan, writes pages inside ({@code WROTE_OWNED <page>...}) and outside
 * ({@code WROTE_OTHER <page>...}, page indexes from firstPage) the owned part, waits again, reads its own
 * range with PAGEMAP_SCAN and prints {@code OWN_SEES <page>...} and {@code OWN_OK true|false}.
 */
public final class OwnUserfaultfd {
    static final long PAGE = 4096;
    static final int BLOCK_BYTES = (32 << 20) + 4321;
    /** The owned part: pages [OWNED_FROM, OWNED_FROM + OWNED_PAGES) of the block. */
    static final int OWNED_FROM = 1024;
    static final int OWNED_PAGES = 1024;

    private static final long SYS_USERFAULTFD = 323;
    private static final int O_CLOEXEC = 0x80000;
    private static final int O_NONBLOCK = 0x800;
    private static final int UFFD_USER_MODE_ONLY = 1;
    private static final long UFFD_API = 0xAA;
    private static final long UFFD_FEATURE_WP_UNPOPULATED = 1L << 13;
    private static final long UFFD_FEATURE_WP_ASYNC = 1L << 15;
    private static final long UFFDIO_API = 0xc018aa3fL;
    private static final long UFFDIO_REGISTER = 0xc020aa00L;
    private static final long UFFDIO_WRITEPROTECT = 0xc018aa06L;
    private static final long PAGEMAP_SCAN = 0xc0606610L;
    private static final long PAGE_IS_WRITTEN = 1L << 1;

    /** The few libc calls this needs. */
    public interface C extends Library {
        long syscall(long number, Object... args);

        int ioctl(int fd, long request, Pointer arg);

        int open(String path, int flags);

        int close(int fd);
    }

    private OwnUserfaultfd() {
    }

    public static void main(String[] args) throws Exception {
        C c = Native.load("c", C.class);
        sun.misc.Unsafe unsafe = KnownHeapWrites.unsafe();
        byte[] block = new byte[BLOCK_BYTES];
        long data = KnownHeapWrites.addressOf(unsafe, block) + unsafe.arrayBaseOffset(byte[].class);
        long firstPage = (data + PAGE - 1) & -PAGE;
        int pages = (int) ((data + BLOCK_BYTES - firstPage) / PAGE);
        long ownedStart = firstPage + OWNED_FROM * PAGE;
        long ownedEnd = ownedStart + OWNED_PAGES * PAGE;

        int uffd = (int) c.syscall(SYS_USERFAULTFD, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
        check(uffd, "userfaultfd");
        Memory api = new Memory(24);
        api.clear();
        api.setLong(0, UFFD_API);
        api.setLong(8, UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED);
        check(c.ioctl(uffd, UFFDIO_API, api), "UFFDIO_API");
        Memory register = new Memory(32);
        register.clear();
        register.setLong(0, ownedStart);
        register.setLong(8, ownedEnd - ownedStart);
        register.setLong(16, 2); // UFFDIO_REGISTER_MODE_WP
        check(c.ioctl(uffd, UFFDIO_REGISTER, register), "UFFDIO_REGISTER");
        Memory wp = new Memory(24);
        wp.clear();
        wp.setLong(0, ownedStart);
        wp.setLong(8, ownedEnd - ownedStart);
        wp.setLong(16, 1); // UFFDIO_WRITEPROTECT_MODE_WP: armed
        check(c.ioctl(uffd, UFFDIO_WRITEPROTECT, wp), "UFFDIO_WRITEPROTECT");

        System.out.println("BLOCK " + firstPage + " " + pages);
        System.out.println("OWNED " + ownedStart + " " + ownedEnd);
        System.out.flush();
        System.out.println("agentState=" + KnownHeapWrites.awaitAgent());
        Thread.sleep(300);

        Random random = new Random(42);
        TreeSet<Integer> owned = new TreeSet<>();
        TreeSet<Integer> other = new TreeSet<>();
        while (owned.size() < 40) {
            owned.add(OWNED_FROM + random.nextInt(OWNED_PAGES));
        }
        while (other.size() < 40) {
            int p = random.nextInt(pages);
            if (p < OWNED_FROM || p >= OWNED_FROM + OWNED_PAGES) {
                other.add(p);
            }
        }
        for (int p : owned) {
            block[(int) (firstPage - data + p * PAGE + 100)]++;
        }
        for (int p : other) {
            block[(int) (firstPage - data + p * PAGE + 100)]++;
        }
        System.out.println("WROTE_OWNED" + join(owned));
        System.out.println("WROTE_OTHER" + join(other));
        Thread.sleep(600); // many of the agent's intervals

        TreeSet<Integer> seen = scanWritten(c, ownedStart, ownedEnd, firstPage);
        System.out.println("OWN_SEES" + join(seen));
        System.out.println("OWN_OK " + seen.equals(owned));
        if (KnownHeapWrites.addressOf(unsafe, block) + unsafe.arrayBaseOffset(byte[].class) != data) {
            System.out.println("MOVED");
        }
        c.close(uffd);
    }

    /** The written pages of [start, end), read without re-arming them, as page indexes from firstPage. */
    static TreeSet<Integer> scanWritten(C c, long start, long end, long firstPage) {
        int pagemap = c.open("/proc/self/pagemap", 0);
        check(pagemap, "open /proc/self/pagemap");
        int vecLen = 4096;
        Memory vec = new Memory(24L * vecLen);
        Memory arg = new Memory(96);
        TreeSet<Integer> out = new TreeSet<>();
        long cursor = start;
        while (cursor < end) {
            arg.clear();
            arg.setLong(0, 96);                  // size
            arg.setLong(8, 0);                   // flags: report only
            arg.setLong(16, cursor);             // start
            arg.setLong(24, end);                // end
            arg.setLong(40, Pointer.nativeValue(vec));
            arg.setLong(48, vecLen);
            arg.setLong(72, PAGE_IS_WRITTEN);    // category_mask
            arg.setLong(88, PAGE_IS_WRITTEN);    // return_mask
            int n = c.ioctl(pagemap, PAGEMAP_SCAN, arg);
            check(n, "PAGEMAP_SCAN");
            for (int i = 0; i < n; i++) {
                for (long p = vec.getLong(24L * i); p < vec.getLong(24L * i + 8); p += PAGE) {
                    out.add((int) ((p - firstPage) / PAGE));
                }
            }
            long walkEnd = arg.getLong(32);
            if (walkEnd <= cursor) {
                break;
            }
            cursor = walkEnd;
        }
        c.close(pagemap);
        return out;
    }

    private static void check(long result, String what) {
        if (result < 0) {
            System.out.println("FAILED " + what + " errno " + Native.getLastError());
            System.exit(2);
        }
    }

    private static String join(TreeSet<Integer> pages) {
        StringBuilder sb = new StringBuilder();
        for (int p : pages) {
            sb.append(' ').append(p);
        }
        return sb.toString();
    }
}
