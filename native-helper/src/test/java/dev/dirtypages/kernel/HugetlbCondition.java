package dev.dirtypages.kernel;

import dev.dirtypages.kernel.proc.ProcFiles;
import java.util.Map;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The condition behind {@link EnabledIfHugetlb}; reads {@code /proc/meminfo} at each evaluation. */
public final class HugetlbCondition implements ExecutionCondition {
    public static final String NO_PAGES_REASON = "no hugetlb pages reserved (echo N > /proc/sys/vm/nr_hugepages)";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return evaluate(ProcFiles.meminfo());
    }

    /** The decision on a parsed {@code /proc/meminfo} (HugePages_* as counts, Hugepagesize in bytes). */
    public static ConditionEvaluationResult evaluate(Map<String, Long> meminfo) {
        long free = meminfo.getOrDefault("HugePages_Free", 0L);
        long size = meminfo.getOrDefault("Hugepagesize", 0L);
        if (free <= 0 || size <= 0) {
            return ConditionEvaluationResult.disabled(NO_PAGES_REASON);
        }
        return ConditionEvaluationResult.enabled(free + " free hugetlb pages of " + size / 1024 + " KiB");
    }
}
