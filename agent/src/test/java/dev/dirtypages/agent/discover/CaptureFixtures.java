package dev.dirtypages.agent.discover;

import dev.dirtypages.kernel.proc.Mapping;
import dev.dirtypages.kernel.proc.ProcMaps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Recaptures the fixtures of the parser tests from a real JVM (not a test). Run it with the collector's
 * options, for each JDK and collector:
 *
 * <pre>
 * java -cp agent/target/test-classes:agent/target/classes:native-helper/target/classes -XX:+UseG1GC -Xmx256m \
 *     dev.dirtypages.agent.discover.CaptureFixtures agent/src/test/resources/dev/dirtypages/agent/discover jdk17-g1
 * </pre>
 *
 * It writes {@code <name>.gc-heap-info.txt} (the whole output of GC.heap_info), {@code <name>.vm-info.txt}
 * (VM.info's header line and its PROCESS section up to the end of the "Heap:" block: the full output holds
 * the environment and every mapping) and {@code <name>.maps.txt} (the lines of /proc/self/maps around
 * the heap, or ZGC's memfd views).
 */
public final class CaptureFixtures {
    private CaptureFixtures() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String name = args[1];
        PlatformIntrospection jvm = new PlatformIntrospection();
        write(dir.resolve(name + ".gc-heap-info.txt"), jvm.diagnosticCommand("gcHeapInfo"));
        write(dir.resolve(name + ".vm-info.txt"), vmInfoExcerpt(jvm.diagnosticCommand("vmInfo")));

        HeapDiscovery found = HeapLocator.locate();
        List<Mapping> maps = ProcMaps.self();
        StringBuilder excerpt = new StringBuilder();
        if (found.heap().isPresent()) {
            HeapRange heap = found.heap().get();
            int first = -1;
            int last = -1;
            for (int i = 0; i < maps.size(); i++) {
                Mapping m = maps.get(i);
                if (Long.compareUnsigned(m.end(), heap.start()) > 0 && Long.compareUnsigned(m.start(), heap.end()) < 0) {
                    first = first < 0 ? i : first;
                    last = i;
                }
            }
            for (int i = Math.max(0, first - 1); i <= Math.min(maps.size() - 1, last + 1); i++) {
                excerpt.append(line(maps.get(i)));
            }
        } else {
            for (Mapping m : maps) {
                if (m.path().contains("java_heap")) {
                    excerpt.append(line(m));
                }
            }
        }
        write(dir.resolve(name + ".maps.txt"), excerpt.toString());
        System.out.println(name + ": " + found.describe());
    }

    /** Back in /proc/<pid>/maps form (the device and inode as read; padding normalized). */
    private static String line(Mapping m) {
        String head = String.format("%x-%x %s %08x %s %d", m.start(), m.end(), m.permissions(), m.offset(),
                m.device(), m.inode());
        return m.path().isEmpty() ? head + " \n" : String.format("%-72s %s%n", head, m.path());
    }

    static String vmInfoExcerpt(String vmInfo) {
        List<String> out = new ArrayList<>();
        boolean inProcess = false;
        boolean inHeap = false;
        for (String line : vmInfo.split("\\R")) {
            if (line.startsWith("# Java VM:") || line.startsWith("# JRE version:")) {
                out.add(line);
            } else if (line.contains("P R O C E S S")) {
                inProcess = true;
                out.add("");
                out.add(line);
            } else if (inProcess) {
                out.add(line);
                if (line.equals("Heap:")) {
                    inHeap = true;
                } else if (inHeap && line.isBlank()) {
                    break;
                }
            }
        }
        return String.join("\n", out) + "\n";
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
