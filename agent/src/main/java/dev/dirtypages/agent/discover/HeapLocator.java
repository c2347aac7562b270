package dev.dirtypages.agent.discover;

import dev.dirtypages.kernel.proc.Mapping;

import java.util.List;
import java.util.Optional;

/**
 * Finds the Java heap's reserved range and its collector; see the package documentation for the sources
 * and why. Meant for one call at startup. Measured here (2 cores): 200-500 ms on a cold JVM, almost all of
 * it the creation of the platform MBean server (which also initializes {@code java.util.logging.LogManager});
 * 2-15 ms once that exists ({@code GC.heap_info} ~0.1 ms, reading and parsing {@code /proc/self/maps} the rest).
 */
public final class HeapLocator {
    static final String OTHER_COLLECTORS =
            "-XX:+UseG1GC (or -XX:+UseParallelGC, -XX:+UseSerialGC, -XX:+UseShenandoahGC)";

    private HeapLocator() {
    }

    /** The heap of this JVM, or a one-line problem naming the cause and the fix. Never throws. */
    public static HeapDiscovery locate() {
        try {
            return locate(new PlatformIntrospection());
        } catch (Throwable t) {
            return HeapDiscovery.notFound(failure(t, System.getProperty("java.vm.version", "?")));
        }
    }

    /** {@link #locate()} against any {@link JvmIntrospection}; never throws. */
    static HeapDiscovery locate(JvmIntrospection jvm) {
        String vmVersion = "?";
        try {
            vmVersion = jvm.vmVersion();
            return locateOrThrow(jvm);
        } catch (Throwable t) {
            return HeapDiscovery.notFound(failure(t, vmVersion));
        }
    }

    private static HeapDiscovery locateOrThrow(JvmIntrospection jvm) throws Exception {
        Optional<Collector> detected = Collector.fromFlags(name -> quietly(() -> jvm.booleanFlag(name)));
        if (detected.isEmpty()) {
            detected = Collector.fromBeanNames(jvm.garbageCollectorNames());
        }
        if (detected.isEmpty()) {
            return HeapDiscovery.notFound("the collector in use is not one dirtypages knows (garbage collector beans: "
                    + jvm.garbageCollectorNames() + "); its heap is not tracked; run with " + OTHER_COLLECTORS
                    + " to track the heap");
        }
        Collector collector = detected.get();
        if (collector == Collector.Z) {
            return HeapDiscovery.notFound(zgcProblem(jvm));
        }

        Optional<HeapRange> range = Optional.empty();
        String heapInfoProblem = null;
        if (collector != Collector.EPSILON) {
            String heapInfo = jvm.diagnosticCommand("gcHeapInfo");
            try {
                range = Optional.of(GcHeapInfoParser.parse(collector, heapInfo));
            } catch (IllegalArgumentException notUnderstood) {
                heapInfoProblem = notUnderstood.getMessage();
            }
        }
        if (range.isEmpty()) {
            String vmInfo = jvm.diagnosticCommand("vmInfo");
            Optional<Long> maxHeapSize = quietly(() -> jvm.longFlag("MaxHeapSize"));
            range = VmInfoParser.reservedRange(vmInfo, collector, maxHeapSize);
        }
        if (range.isEmpty()) {
            if (collector == Collector.EPSILON) {
                return HeapDiscovery.notFound("Epsilon's heap range is printed only in VM.info's 'Heap address' line, "
                        + "which HotSpot omits when compressed oops are off; its heap is not tracked; run with "
                        + "-XX:+UseCompressedOops (a heap under 32 GB) or " + OTHER_COLLECTORS + " to track the heap");
            }
            return HeapDiscovery.notFound("cannot read the " + collector.displayName + " heap's range on "
                    + jvm.vmVersion() + ": GC.heap_info not understood (" + heapInfoProblem + ") and VM.info has no "
                    + "'Heap address' line; its heap is not tracked; please report this with the output of "
                    + "'jcmd <pid> GC.heap_info', or run with another of " + OTHER_COLLECTORS);
        }

        HeapRange heap = range.get();
        Optional<List<Mapping>> maps = jvm.maps();
        if (maps.isPresent()) {
            Optional<String> gap = HeapMapsCheck.uncovered(maps.get(), heap.start(), heap.end());
            if (gap.isPresent()) {
                return HeapDiscovery.notFound("the " + collector.displayName + " heap range read from the JVM, ["
                        + GcHeapInfoParser.hex(heap.start()) + ", " + GcHeapInfoParser.hex(heap.end()) + "), is wrong: "
                        + gap.get() + " in /proc/self/maps; the heap is not tracked; please report this with the "
                        + "output of 'jcmd <pid> GC.heap_info' and /proc/<pid>/maps (" + jvm.vmVersion() + ")");
            }
        }
        return HeapDiscovery.found(heap);
    }

    /** ZGC: JDK 17's maps one memfd at three addresses; generational ZGC (21+) maps and unmaps it at run time. */
    static String zgcProblem(JvmIntrospection jvm) {
        int feature = jvm.featureVersion();
        boolean generational = feature >= 24
                || (feature >= 21 && quietly(() -> jvm.booleanFlag("ZGenerational")).orElse(feature >= 23));
        String how = generational
                ? "generational ZGC keeps its heap in a shared memfd (/memfd:java_heap) that it maps and unmaps "
                        + "at run time, and prints no heap range"
                : "ZGC's heap is a multi-mapped memfd (/memfd:java_heap, every page at three addresses)";
        return how + "; tracking it is not supported; run with " + OTHER_COLLECTORS + " to track the heap";
    }

    private static String failure(Throwable t, String vmVersion) {
        Throwable cause = t;
        // MBeanException, ReflectionException, RuntimeMBeanException wrap the real cause.
        while (cause.getCause() != null && cause.getClass().getName().startsWith("javax.management.")
                && !cause.getClass().getName().equals("javax.management.InstanceNotFoundException")) {
            cause = cause.getCause();
        }
        String name = cause.getClass().getName();
        if (name.equals("javax.management.InstanceNotFoundException")) {
            return "this JVM has no DiagnosticCommand MBean (com.sun.management:type=DiagnosticCommand): not "
                    + "HotSpot, or its image lacks the jdk.management module; the heap cannot be located; run on a "
                    + "HotSpot JDK 17+ whose image includes jdk.management";
        }
        if (cause instanceof LinkageError && String.valueOf(cause.getMessage()).matches(
                ".*(javax/management|java/lang/management|com/sun/management).*")) {
            return "the java.management or jdk.management module is missing from this runtime (" + cause
                    + "); the heap cannot be located; add both modules to the image (jlink --add-modules "
                    + "java.management,jdk.management)";
        }
        return "cannot find the heap: " + cause + "; the heap is not tracked; please report this (" + vmVersion + ")";
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> Optional<T> quietly(Call<Optional<T>> call) {
        try {
            Optional<T> value = call.call();
            return value == null ? Optional.empty() : value;
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
