package dev.dirtypages.agent.report;

import dev.dirtypages.agent.testing.ChildJvm;
import java.nio.file.Path;

/** The child JVMs whose recordings the report tests read. */
public final class ReportChildren {
    private ReportChildren() {
    }

    /** A child for {@code KnownOffHeapWrites}: it reaches into java.nio, and uses Unsafe itself. */
    public static ChildJvm offHeapChild(Path dir) {
        ChildJvm child = ChildJvm.in(dir).args("-Xmx256m", "--add-opens", "java.base/java.nio=ALL-UNNAMED");
        if (ChildJvm.javaFeature() >= 23) {
            child.args("--sun-misc-unsafe-memory-access=allow");
        }
        return child;
    }
}
