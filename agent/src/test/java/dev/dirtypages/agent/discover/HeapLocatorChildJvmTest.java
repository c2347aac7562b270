package dev.dirtypages.agent.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HeapLocator#locate()} in child JVMs of the JDK running the tests, one per collector and heap
 * layout: the range found must hold an object's address (read from a heap dump, see {@link HprofObjects})
 * and be at least MaxHeapSize (the reservation, not the committed part).
 */
class HeapLocatorChildJvmTest {
    private static final long CHILD_TIMEOUT_SECONDS = 120;

    static Stream<Arguments> trackedCollectors() {
        List<Arguments> out = new ArrayList<>();
        for (String gc : new String[] {"G1", "Parallel", "Serial", "Shenandoah"}) {
            String flag = "-XX:+Use" + gc + "GC";
            out.add(Arguments.of(gc, List.of(flag, "-Xmx256m")));
            out.add(Arguments.of(gc, List.of(flag, "-Xms16m", "-Xmx512m")));
            out.add(Arguments.of(gc, List.of(flag, "-XX:-UseCompressedOops", "-Xmx256m")));
        }
        out.add(Arguments.of("Parallel", List.of("-XX:+UseParallelGC", "-Xmx40g")));
        out.add(Arguments.of("G1", List.of("-XX:+UseG1GC", "-Xmx40g")));
        if (Runtime.version().feature() >= 25) {
            out.add(Arguments.of("Shenandoah", List.of("-XX:+UseShenandoahGC", "-XX:ShenandoahGCMode=generational",
                    "-Xmx256m")));
        }
        out.add(Arguments.of("Epsilon", List.of("-XX:+UnlockExperimentalVMOptions", "-XX:+UseEpsilonGC", "-Xmx256m")));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("trackedCollectors")
    void findsTheHeapAndTheObjectInIt(String collector, List<String> options) throws Exception {
        Child child = run(options, "dump");
        Map<String, String> out = child.values();
        assertEquals("present", out.get("heap"), "problem: " + out.get("problem"));
        assertEquals(collector, out.get("collector"));
        assertEquals("true", out.get("same"), "a second locate() finds the same");
        HeapRange heap = new HeapRange(Long.parseUnsignedLong(out.get("start").substring(2), 16),
                Long.parseUnsignedLong(out.get("end").substring(2), 16), out.get("collector"));
        long marker = Long.parseUnsignedLong(out.get("marker").substring(2), 16);
        long maxHeapSize = Long.parseLong(out.get("maxHeapSize"));
        System.out.printf("%-10s %-55s %s, marker at 0x%x, locate() cold %.1f ms, warm %.1f ms%n", collector,
                String.join(" ", options), heap, marker, Long.parseLong(out.get("locate.cold.nanos")) / 1e6,
                Long.parseLong(out.get("locate.warm.nanos")) / 1e6);
        assertTrue(heap.contains(marker), String.format("the marker at 0x%x lies in %s", marker, heap));
        assertTrue(heap.length() >= maxHeapSize && heap.length() - maxHeapSize < (32L << 20),
                heap + " is the reservation of MaxHeapSize " + maxHeapSize);
        if (!collector.equals("Epsilon")) {
            // Nothing on stderr (no Unsafe or other warnings), but what the launcher says of *_JAVA_OPTIONS in CI.
            String stderr = child.stderr.lines().filter(l -> !l.contains("Picked up ")).collect(Collectors.joining("\n"));
            assertEquals("", stderr.strip(), "nothing on stderr");
        }
    }

    static Stream<Arguments> untrackedCollectors() {
        return Stream.of(
                Arguments.of("ZGC", List.of("-XX:+UseZGC", "-Xmx256m"), "not supported; run with -XX:+UseG1GC"),
                Arguments.of("Epsilon", List.of("-XX:+UnlockExperimentalVMOptions", "-XX:+UseEpsilonGC",
                        "-XX:-UseCompressedOops", "-Xmx256m"), "Epsilon's heap range is printed only in VM.info"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("untrackedCollectors")
    void namesTheProblem(String collector, List<String> options, String expected) throws Exception {
        Child child = run(options);
        Map<String, String> out = child.values();
        System.out.printf("%-10s %-55s problem: %s%n", collector, String.join(" ", options), out.get("problem"));
        assertEquals("absent", out.get("heap"));
        assertTrue(out.get("problem").contains(expected), out.get("problem"));
        if (collector.equals("ZGC")) {
            String what = Runtime.version().feature() >= 24 ? "generational ZGC" : "ZGC's heap is a multi-mapped memfd";
            assertTrue(out.get("problem").startsWith(what), out.get("problem"));
        }
    }

    private record Child(int exit, String stdout, String stderr) {
        Map<String, String> values() {
            Map<String, String> out = new LinkedHashMap<>();
            for (String line : stdout.split("\\R")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    out.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return out;
        }
    }

    /** Runs {@link HeapProbeMain} on this JDK; skips when this JDK build lacks the collector. */
    private static Child run(List<String> options, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(testClassPath());
        command.addAll(options);
        command.add(HeapProbeMain.class.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("child JVM did not finish in " + CHILD_TIMEOUT_SECONDS + " s: " + command);
        }
        Child child = new Child(process.exitValue(), stdout.get(), stderr.get());
        if (child.exit != 0) {
            String gcFlag = options.stream().filter(o -> o.matches("-XX:\\+Use\\w+GC")).findFirst().orElse("?");
            boolean unavailable = child.stderr.contains("Unrecognized VM option '" + gcFlag.substring(5) + "'")
                    || child.stderr.matches("(?s).*" + gcFlag.substring(5) + ".*not supported.*");
            Assumptions.assumeFalse(unavailable, "this JDK build has no " + gcFlag.substring(5) + ": "
                    + child.stderr.strip().lines().findFirst().orElse(""));
            fail("child JVM exited with " + child.exit + "\ncommand: " + command + "\nstdout:\n" + child.stdout
                    + "\nstderr:\n" + child.stderr);
        }
        return child;
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<" + e + ">";
            }
        });
    }

    /** Surefire's forked JVM may run from a manifest-only jar; it names the real class path separately. */
    private static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        List<String> entries = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            if (!entry.isBlank() && Files.exists(Path.of(entry))) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
