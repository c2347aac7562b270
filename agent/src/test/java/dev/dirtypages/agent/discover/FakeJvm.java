package dev.dirtypages.agent.discover;

import dev.dirtypages.kernel.proc.Mapping;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link JvmIntrospection} answering from captured fixtures, or failing where a test says so. */
class FakeJvm implements JvmIntrospection {
    final Map<String, Boolean> booleanFlags = new HashMap<>();
    final Map<String, Long> longFlags = new HashMap<>();
    final Map<String, String> commands = new HashMap<>();
    final Map<String, Exception> failingCommands = new HashMap<>();
    final List<String> commandsRun = new ArrayList<>();
    List<String> beanNames = List.of();
    Optional<List<Mapping>> maps = Optional.empty();
    int feature = 17;
    RuntimeException flagFailure;
    RuntimeException everythingFails;

    /** The JVM of a capture: {@code jdk25-parallel-xmx40g} runs Parallel on JDK 25, and so on. */
    static FakeJvm of(String capture) {
        FakeJvm jvm = new FakeJvm();
        String[] parts = capture.split("-");
        jvm.feature = Integer.parseInt(parts[0].substring(3));
        Collector collector = switch (parts[1]) {
            case "g1" -> Collector.G1;
            case "parallel" -> Collector.PARALLEL;
            case "serial" -> Collector.SERIAL;
            case "shenandoah" -> Collector.SHENANDOAH;
            case "zgc" -> Collector.Z;
            case "epsilon" -> Collector.EPSILON;
            default -> throw new IllegalArgumentException(capture);
        };
        for (Collector c : Collector.values()) {
            if (c != Collector.EPSILON) { // hidden unless experimental options are unlocked
                jvm.booleanFlags.put(c.flag, c == collector);
            }
        }
        jvm.beanNames = switch (collector) {
            case G1 -> List.of("G1 Young Generation", "G1 Old Generation");
            case PARALLEL -> List.of("PS MarkSweep", "PS Scavenge");
            case SERIAL -> List.of("Copy", "MarkSweepCompact");
            case SHENANDOAH -> List.of("Shenandoah Pauses", "Shenandoah Cycles");
            case Z -> List.of("ZGC Cycles", "ZGC Pauses");
            case EPSILON -> List.of("Epsilon Heap");
        };
        jvm.longFlags.put("MaxHeapSize", capture.contains("xmx512m") ? 512L << 20
                : capture.contains("xmx40g") ? 40L << 30 : 256L << 20);
        jvm.commands.put("gcHeapInfo", Fixtures.gcHeapInfo(capture));
        jvm.commands.put("vmInfo", Fixtures.vmInfo(capture));
        jvm.maps = Optional.of(Fixtures.maps(capture));
        return jvm;
    }

    private void maybeFail() {
        if (everythingFails != null) {
            throw everythingFails;
        }
    }

    @Override
    public Optional<Boolean> booleanFlag(String name) {
        maybeFail();
        if (flagFailure != null) {
            throw flagFailure;
        }
        return Optional.ofNullable(booleanFlags.get(name));
    }

    @Override
    public Optional<Long> longFlag(String name) {
        maybeFail();
        return Optional.ofNullable(longFlags.get(name));
    }

    @Override
    public List<String> garbageCollectorNames() {
        maybeFail();
        return beanNames;
    }

    @Override
    public String diagnosticCommand(String operation) throws Exception {
        maybeFail();
        commandsRun.add(operation);
        if (failingCommands.containsKey(operation)) {
            throw failingCommands.get(operation);
        }
        String out = commands.get(operation);
        if (out == null) {
            throw new IllegalStateException("no output for " + operation);
        }
        return out;
    }

    @Override
    public Optional<List<Mapping>> maps() {
        maybeFail();
        return maps;
    }

    @Override
    public int featureVersion() {
        maybeFail();
        return feature;
    }

    @Override
    public String vmVersion() {
        maybeFail();
        return "OpenJDK 64-Bit Server VM " + feature + "-fake";
    }
}
