package dev.dirtypages.kernel;

import dev.dirtypages.kernel.probe.Capabilities;
import dev.dirtypages.kernel.probe.CapabilityProbe;
import dev.dirtypages.kernel.probe.Problem;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The condition behind {@link EnabledIfUserfaultfd}: enabled where write tracking works, otherwise disabled
 * with the probe's problems as the reason, or failed when {@value #REQUIRE_PROPERTY} is {@code true}.
 */
public final class UserfaultfdCondition implements ExecutionCondition {
    /** System property (or JUnit configuration parameter) that turns "skip" into "fail". */
    public static final String REQUIRE_PROPERTY = "dirtypages.requireKernelFeatures";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean required = context.getConfigurationParameter(REQUIRE_PROPERTY).map(Boolean::parseBoolean)
                .orElse(Boolean.getBoolean(REQUIRE_PROPERTY));
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            // @EnabledOnOs(LINUX) says the same; this keeps the probe (and JNA) from loading elsewhere.
            return ConditionEvaluationResult.disabled("not Linux: userfaultfd write tracking is Linux-only");
        }
        return evaluate(CapabilityProbe.capabilities(), required);
    }

    /**
     * The decision, apart from JUnit's context so that it is tested itself.
     *
     * @throws RequiredKernelFeatureMissing when write tracking is unavailable and {@code required}
     */
    public static ConditionEvaluationResult evaluate(Capabilities capabilities, boolean required) {
        if (capabilities.writeTracking()) {
            return ConditionEvaluationResult.enabled("userfaultfd write tracking is available (userfaultfd via "
                    + capabilities.userfaultfdSource().map(Enum::name).orElse("?") + ", PAGEMAP_SCAN)");
        }
        String reason = "userfaultfd write tracking is not available on kernel " + capabilities.kernelRelease()
                + ": " + describeProblems(capabilities);
        if (required) {
            throw new RequiredKernelFeatureMissing(reason + " [" + REQUIRE_PROPERTY + "=true: failing instead of "
                    + "skipping]");
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    private static String describeProblems(Capabilities capabilities) {
        if (capabilities.problems().isEmpty()) {
            return "the probe found no single cause (" + capabilities.describe().replace('\n', ' ').trim() + ")";
        }
        return capabilities.problems().stream().map(Problem::describe).collect(Collectors.joining(" | "));
    }

    /** Thrown (so that the test fails) when a required kernel feature is missing. */
    public static final class RequiredKernelFeatureMissing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RequiredKernelFeatureMissing(String message) {
            super(message);
        }
    }
}
