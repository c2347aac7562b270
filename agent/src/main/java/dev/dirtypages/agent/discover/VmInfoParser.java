package dev.dirtypages.agent.discover;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the line {@code Heap address: 0x00000000f0000000, size: 256 MB, Compressed Oops mode: 32-bit} from
 * the output of {@code VM.info} (DiagnosticCommand operation {@code vmInfo}). HotSpot prints it for every
 * collector but ZGC, and only while compressed oops are on (not with {@code -XX:-UseCompressedOops}, nor
 * for heaps over ~32 GB). The size is the reserved size truncated to whole megabytes.
 */
final class VmInfoParser {
    private static final Pattern HEAP_ADDRESS = Pattern.compile(
            "^\\s*Heap address:\\s*0x(\\p{XDigit}{1,16}),\\s*size:\\s*(\\d+\\s*[KMGT]?B?)\\b", Pattern.MULTILINE);

    private VmInfoParser() {
    }

    /** Start and size in bytes, as printed; empty when the line is absent. */
    static Optional<long[]> heapAddress(String vmInfo) {
        Matcher m = HEAP_ADDRESS.matcher(vmInfo);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new long[] {Long.parseUnsignedLong(m.group(1), 16), ByteSizes.parse(m.group(2))});
    }

    /**
     * The reserved range: {@code [address, address + size)}. A size printed in whole megabytes loses the
     * remainder; when {@code maxHeapSize} (the flag {@code MaxHeapSize}) lies within that megabyte it is the
     * exact size (HotSpot reserves exactly the aligned MaxHeapSize).
     */
    static Optional<HeapRange> reservedRange(String vmInfo, Collector collector, Optional<Long> maxHeapSize) {
        return heapAddress(vmInfo).map(a -> {
            long start = a[0];
            long size = a[1];
            long mb = 1L << 20;
            if (maxHeapSize.isPresent() && size % mb == 0) {
                long max = (maxHeapSize.get() + HeapRange.MIN_PAGE - 1) & -HeapRange.MIN_PAGE;
                if (max >= size && max < size + mb) {
                    size = max;
                }
            }
            return new HeapRange(start, start + size, collector.displayName);
        });
    }
}
