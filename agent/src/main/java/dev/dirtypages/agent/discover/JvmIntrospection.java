package dev.dirtypages.agent.discover;

import dev.dirtypages.kernel.proc.Mapping;

import java.util.List;
import java.util.Optional;

/**
 * What {@link HeapLocator} asks the running JVM; {@link PlatformIntrospection} is the real one, tests pass
 * fixtures. Any method may throw: the locator turns every failure into a problem line.
 */
interface JvmIntrospection {
    /** A boolean VM flag's value; empty when this VM has no such flag or hides it (experimental flags). */
    Optional<Boolean> booleanFlag(String name) throws Exception;

    /** A numeric VM flag's value ({@code MaxHeapSize}); empty when there is no such flag. */
    Optional<Long> longFlag(String name) throws Exception;

    /** The names of the {@code GarbageCollectorMXBean}s. */
    List<String> garbageCollectorNames() throws Exception;

    /** The text a DiagnosticCommand MBean operation returns ({@code gcHeapInfo}, {@code vmInfo}). */
    String diagnosticCommand(String operation) throws Exception;

    /** This process's mappings; empty when {@code /proc/self/maps} cannot be read. */
    Optional<List<Mapping>> maps() throws Exception;

    /** {@code Runtime.version().feature()}: 17, 25, ... */
    int featureVersion();

    /** {@code java.vm.version}, for problem lines that ask for a report. */
    String vmVersion();
}
