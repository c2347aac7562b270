package dev.dirtypages.agent.discover;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import dev.dirtypages.kernel.proc.Mapping;
import dev.dirtypages.kernel.proc.ProcMaps;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The running JVM, through its management beans.
 *
 * <p>The flags come from {@link HotSpotDiagnosticMXBean} ({@code ManagementFactory.getPlatformMXBean}, a
 * few ms; ~25 ms the first time). Diagnostic commands need the platform MBean server, created on first use
 * only: creating it costs 140-300 ms on a cold JVM here (it loads ~600 classes) and initializes
 * {@code java.util.logging.LogManager}.
 */
final class PlatformIntrospection implements JvmIntrospection {
    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

    private HotSpotDiagnosticMXBean hotspot;

    private HotSpotDiagnosticMXBean hotspot() {
        if (hotspot == null) {
            hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotspot == null) {
                throw new IllegalStateException("this JVM has no HotSpotDiagnosticMXBean");
            }
        }
        return hotspot;
    }

    private Optional<String> flag(String name) {
        VMOption option;
        try {
            option = hotspot().getVMOption(name);
        } catch (IllegalArgumentException noSuchFlag) {
            return Optional.empty();
        }
        return Optional.ofNullable(option).map(VMOption::getValue);
    }

    @Override
    public Optional<Boolean> booleanFlag(String name) {
        return flag(name).map(Boolean::parseBoolean);
    }

    @Override
    public Optional<Long> longFlag(String name) {
        return flag(name).map(Long::parseUnsignedLong);
    }

    @Override
    public List<String> garbageCollectorNames() {
        List<String> names = new ArrayList<>();
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(bean.getName());
        }
        return names;
    }

    @Override
    public String diagnosticCommand(String operation) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Object out = server.invoke(new ObjectName(DIAGNOSTIC_COMMAND), operation,
                new Object[] {null}, new String[] {String[].class.getName()});
        if (!(out instanceof String)) {
            throw new IllegalStateException("DiagnosticCommand " + operation + " returned "
                    + (out == null ? "null" : out.getClass().getName()));
        }
        return (String) out;
    }

    @Override
    public Optional<List<Mapping>> maps() {
        try {
            return Optional.of(ProcMaps.self());
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    @Override
    public int featureVersion() {
        return Runtime.version().feature();
    }

    @Override
    public String vmVersion() {
        return System.getProperty("java.vm.name", "?") + " " + System.getProperty("java.vm.version", "?");
    }
}
