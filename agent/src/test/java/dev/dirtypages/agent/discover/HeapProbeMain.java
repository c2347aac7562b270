package dev.dirtypages.agent.discover;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The child JVM of {@link HeapLocatorChildJvmTest}: locates the heap, then (argument {@code dump}) finds
 * where a marker {@code byte[]} lies by dumping the heap. Prints {@code key=value} lines on stdout.
 */
public final class HeapProbeMain {
    /** Reachable from a static root throughout, so the dump holds it. */
    static byte[] marker;

    private HeapProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        marker = newMarker();
        long t0 = System.nanoTime();
        HeapDiscovery cold = HeapLocator.locate();
        long t1 = System.nanoTime();
        HeapDiscovery warm = HeapLocator.locate();
        long t2 = System.nanoTime();
        System.out.println("locate.cold.nanos=" + (t1 - t0));
        System.out.println("locate.warm.nanos=" + (t2 - t1));
        System.out.println("same=" + cold.equals(warm));
        System.out.println("heap=" + (cold.heap().isPresent() ? "present" : "absent"));
        cold.heap().ifPresent(h -> {
            System.out.println("collector=" + h.collector());
            System.out.println("start=0x" + Long.toHexString(h.start()));
            System.out.println("end=0x" + Long.toHexString(h.end()));
        });
        System.out.println("problem=" + cold.problem());
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        System.out.println("maxHeapSize=" + hotspot.getVMOption("MaxHeapSize").getValue());
        if (Arrays.asList(args).contains("dump")) {
            OptionalLong address = addressByHeapDump(marker);
            System.out.println("marker=" + (address.isPresent() ? "0x" + Long.toHexString(address.getAsLong()) : "none"));
        }
        Reference.reachabilityFence(marker);
    }

    /** A byte[] whose first bytes no other array in the heap has. */
    static byte[] newMarker() {
        byte[] bytes = new byte[256];
        byte[] tag = ("dirtypages-heap-marker-" + System.nanoTime() + "-" + ProcessHandle.current().pid())
                .getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tag, 0, bytes, 0, tag.length);
        for (int i = tag.length; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }

    /** Dumps this JVM's heap (live objects; a full GC first) and reads {@code target}'s address from it. */
    static OptionalLong addressByHeapDump(byte[] target) throws Exception {
        Path dir = Files.createTempDirectory("dirtypages-heap-");
        Path dump = dir.resolve("probe.hprof");
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(dump.toString(), true);
            OptionalLong address = HprofObjects.byteArrayStartingWith(dump, Arrays.copyOf(target, 64));
            Reference.reachabilityFence(target);
            return address;
        } finally {
            Files.deleteIfExists(dump);
            Files.deleteIfExists(dir);
        }
    }
}
