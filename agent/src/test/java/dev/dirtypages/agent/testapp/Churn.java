package dev.dirtypages.agent.testapp;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Churn for the soak test: the heap grows from a small -Xms towards -Xmx and is given back (HotSpot commits
 * and uncommits with mmap(MAP_FIXED), each time dropping the agent's registration of the stretch), cycle
 * after cycle; with {@code direct} in the kinds, direct buffers are allocated, written and freed at a high
 * rate too (2048 a cycle, 4 KiB to 1 MiB, up to 64 held across scans). After each cycle, with the heap
 * collected and every buffer freed, it measures what would grow if the agent leaked and prints
 *
 * <pre>CYCLE n epochMillis heapUsedAfterGc heapCommitted rssOutsideHeap nmtNonHeapCommitted vmas uffdVmas mallocInUse</pre>
 *
 * (bytes; nmt... is -1 without -XX:NativeMemoryTracking; vmas counts /proc/self/maps lines, uffdVmas those a
 * userfaultfd has registered; mallocInUse is glibc's mallinfo2 uordblks + hblkhd, the memory malloc has handed
 * out and not had back, JNA's included, or -1 without JNA on the class path). With JNA, malloc_trim(0) runs
 * first, so that memory malloc keeps after the frees does not count as resident. Usage:
 * {@code Churn <seconds> <kinds: heap, direct, joined with '+'>}; needs compressed oops (the heap's range is
 * read from VM.info).
 */
public final class Churn {
    private static final Pattern HEAP_ADDRESS = Pattern.compile("Heap address: 0x(\\p{XDigit}+), size: (\\d+) MB");
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern NMT_HEAP = Pattern.compile("Java Heap \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

    private Churn() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        boolean heap = args[1].contains("heap");
        boolean direct = args[1].contains("direct");
        long[] heapRange = heapRange();
        System.out.println("HEAP " + heapRange[0] + " " + heapRange[1]);
        sun.misc.Unsafe unsafe = KnownHeapWrites.unsafe();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long checksum = 0;
        java.util.Random random = new java.util.Random(5);
        for (int cycle = 1; System.nanoTime() < deadline; cycle++) {
            List<byte[]> live = new ArrayList<>();
            List<ByteBuffer> held = new ArrayList<>();
            for (int step = 0; step < 16; step++) {
                if (heap) {
                    grow(live, 16);
                }
                if (direct) {
                    checksum += directStep(unsafe, held, random, 128);
                }
                Thread.sleep(15);    // scans run in between: they arm the buffers held across steps
            }
            for (byte[] a : live) {
                checksum += a[7];
            }
            live.clear();
            for (ByteBuffer b : held) {
                unsafe.invokeCleaner(b);
            }
            held.clear();
            System.gc(); // a full collection: G1 and the others shrink the heap (uncommit) after it
            Thread.sleep(100);
            Malloc.trim();
            System.out.println("CYCLE " + cycle + " " + System.currentTimeMillis() + " " + measure(heapRange));
            System.out.flush();
        }
        System.out.println("DONE " + (checksum & 0xff));        System.out.println("STATE " + System.getProperty("dirtypages.state"));
    }

    /** Adds {@code mib} MiB of arrays to the live set. */
    static void grow(List<byte[]> live, int mib) {
        for (int i = 0; i < mib * 4; i++) {
            byte[] a = new byte[256 << 10];    // not humongous under G1
            a[i % 64] = (byte) i;
            live.add(a);
        }
    }

    /**
     * Allocates {@code count} direct buffers of 4 KiB to 1 MiB, writing into each, writes into those held
     * from earlier steps (armed by now), and frees buffers at random to keep at most 64: most live for
     * microseconds, some across several scans.
     */
    static long directStep(sun.misc.Unsafe unsafe, List<ByteBuffer> held, java.util.Random random, int count) {
        long sum = 0;
        for (ByteBuffer b : held) {
            b.put(random.nextInt(b.capacity()), (byte) 1);
        }
        for (int i = 0; i < count; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4096 << random.nextInt(9));
            b.put(random.nextInt(b.capacity()), (byte) i);
            held.add(b);
            if (held.size() > 64) {
                ByteBuffer old = held.remove(random.nextInt(held.size()));
                old.put(random.nextInt(old.capacity()), (byte) 2);
                sum += old.get(0);
                unsafe.invokeCleaner(old);    // freed now, not when the GC gets to it
            }
        }
        return sum;
    }

    /** heapUsedAfterGc heapCommitted rssOutsideHeap nmtNonHeapCommitted vmas uffdVmas. */
    static String measure(long[] heapRange) throws Exception {
        var usage = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long rssOutside = 0;
        int vmas = 0;
        int uffd = 0;
        long start = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && isHeader(line, dash, space)) {
                vmas++;
                start = Long.parseUnsignedLong(line.substring(0, dash), 16);
            } else if (line.startsWith("Rss:")) {
                boolean inHeap = start >= heapRange[0] && start < heapRange[1];
                if (!inHeap) {
                    rssOutside += Long.parseLong(line.substring(4).replace("kB", "").trim()) << 10;
                }
            } else if (line.startsWith("VmFlags:") && (line.contains(" uw") || line.contains(" um") || line.contains(" ui"))) {
                uffd++;
            }
        }
        return usage.getUsed() + " " + usage.getCommitted() + " " + rssOutside + " " + nmtNonHeapCommitted() + " " + vmas
                + " " + uffd + " " + Malloc.inUse();
    }

    private static boolean isHeader(String line, int dash, int space) {
        for (int i = 0; i < space; i++) {
            if (i != dash && Character.digit(line.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** glibc's malloc statistics through JNA, when the application has it on its class path. */
    static final class Malloc {
        private static final Object LIBC = load();

        private static Object load() {
            try {
                return com.sun.jna.Native.load("c", Libc.class);
            } catch (LinkageError | RuntimeException e) {
                return null;
            }
        }

        /** The two libc calls. */
        public interface Libc extends com.sun.jna.Library {
            Mallinfo2 mallinfo2();

            int malloc_trim(long pad);
        }

        /** struct mallinfo2: ten size_t. */
        public static final class Mallinfo2 extends com.sun.jna.Structure implements com.sun.jna.Structure.ByValue {
            public long arena;
            public long ordblks;
            public long smblks;
            public long hblks;
            public long hblkhd;
            public long usmblks;
            public long fsmblks;
            public long uordblks;
            public long fordblks;
            public long keepcost;

            @Override
            protected List<String> getFieldOrder() {
                return List.of("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
                        "fordblks", "keepcost");
            }
        }

        static void trim() {
            if (LIBC != null) {
                ((Libc) LIBC).malloc_trim(0);
            }
        }

        static long inUse() {
            if (LIBC == null) {
                return -1;
            }
            Mallinfo2 info = ((Libc) LIBC).mallinfo2();
            return info.uordblks + info.hblkhd;
        }
    }

    static long nmtNonHeapCommitted() {
        try {
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            Matcher total = NMT_TOTAL.matcher(text);
            Matcher heap = NMT_HEAP.matcher(text);
            if (!total.find() || !heap.find()) {
                return -1;
            }
            return (Long.parseLong(total.group(2)) - Long.parseLong(heap.group(2))) << 10;
        } catch (Exception e) {
            return -1;
        }
    }

    static long[] heapRange() throws Exception {
        String info = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmInfo", new Object[0], new String[0]);
        Matcher m = HEAP_ADDRESS.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no 'Heap address' in VM.info: run with compressed oops");
        }
        long start = Long.parseUnsignedLong(m.group(1), 16);
        return new long[] {start, start + (Long.parseLong(m.group(2)) << 20)};
    }
}
