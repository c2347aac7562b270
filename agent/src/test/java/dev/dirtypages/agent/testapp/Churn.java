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
 * after cycle; with {@code direct} in the kinds, direct buffers are allocated and freed at a high rate too
 * (for when the agent tracks off-heap memory). After each cycle, with the heap collected, it measures what
 * would grow if the agent leaked and prints
 *
 * <pre>CYCLE n epochMillis heapUsedAfterGc heapCommitted rssOutsideHeap nmtNonHeapCommitted vmas uffdVmas</pre>
 *
 * (bytes; nmt... is -1 without -XX:NativeMemoryTracking; vmas counts /proc/self/maps lines, uffdVmas those a
 * userfaultfd has registered). Usage: {@code Churn <seconds> <kinds: heap, direct, joined with '+'>}; needs
 * compressed oops (the heap's range is read from VM.info).
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
        System.out.println("STATE " + KnownHeapWrites.awaitAgent());
        long[] heapRange = heapRange();
        System.out.println("HEAP " + heapRange[0] + " " + heapRange[1]);
        sun.misc.Unsafe unsafe = KnownHeapWrites.unsafe();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long checksum = 0;
        for (int cycle = 1; System.nanoTime() < deadline; cycle++) {
            if (heap) {
                checksum += growAndRelease(256);
            }
            if (direct) {
                checksum += directBuffers(unsafe, 2000);
            }
            System.gc(); // a full collection: G1 and the others shrink the heap (uncommit) after it
            Thread.sleep(100);
            System.out.println("CYCLE " + cycle + " " + System.currentTimeMillis() + " " + measure(heapRange));
            System.out.flush();
        }
        System.out.println("DONE " + (checksum & 0xff));
    }

    /** Grows the live set to {@code mib} in steps with pauses (so that scans run in between), then drops it. */
    static long growAndRelease(int mib) throws InterruptedException {
        List<byte[]> live = new ArrayList<>();
        long sum = 0;
        for (int m = 0; m < mib; m += 16) {
            for (int i = 0; i < 64; i++) {
                byte[] a = new byte[256 << 10];    // not humongous under G1
                a[i] = (byte) i;
                live.add(a);
            }
            Thread.sleep(15);
        }
        for (byte[] a : live) {
            sum += a[7];
        }
        live.clear();
        return sum;
    }

    /** Allocates and frees {@code count} direct buffers of 4 KiB to 1 MiB, writing into each. */
    static long directBuffers(sun.misc.Unsafe unsafe, int count) {
        long sum = 0;
        java.util.Random random = new java.util.Random(count);
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4096 << random.nextInt(9));
            b.put(b.capacity() / 2, (byte) i);
            held.add(b);
            if (held.size() > 32) {
                ByteBuffer old = held.remove(random.nextInt(held.size()));
                sum += old.get(old.capacity() / 2);
                unsafe.invokeCleaner(old);    // freed now, not when the GC gets to it
            }
        }
        for (ByteBuffer b : held) {
            unsafe.invokeCleaner(b);
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
                + " " + uffd;
    }

    private static boolean isHeader(String line, int dash, int space) {
        for (int i = 0; i < space; i++) {
            if (i != dash && Character.digit(line.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
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
