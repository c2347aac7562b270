package dev.dirtypages.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.probe.Capabilities;
import dev.dirtypages.kernel.probe.Problem;
import dev.dirtypages.kernel.uffd.Userfaultfd;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtendWith;

/** The test conditions' decisions, on made-up capabilities (this machine's are tested in the probe's tests). */
class ConditionsTest {
    private static final Problem SECCOMP = new Problem("userfaultfd",
            "userfaultfd failed: EPERM: the userfaultfd system call was denied (EPERM): a seccomp filter forbids it",
            "allow the userfaultfd system call in the seccomp profile");

    private static Capabilities without(Problem... problems) {
        return new Capabilities("6.1.0-test", "amd64", Optional.empty(), 0, false, 0, 0, "madvise", 0, 2 << 20,
                List.of(problems));
    }

    private static Capabilities working() {
        return new Capabilities("6.18.0-test", "amd64", Optional.of(Userfaultfd.Source.SYSCALL), 0x1ffff, true, 0xff, 0,
                "madvise", 0, 2 << 20, List.of());
    }

    @Test
    void userfaultfdConditionEnablesWhereWriteTrackingWorks() {
        ConditionEvaluationResult result = UserfaultfdCondition.evaluate(working(), true);
        assertFalse(result.isDisabled(), result.toString());
    }

    @Test
    void userfaultfdConditionSkipsWithTheProbesProblemsAsTheReason() {
        ConditionEvaluationResult result = UserfaultfdCondition.evaluate(without(SECCOMP), false);
        assertTrue(result.isDisabled());
        String reason = result.getReason().orElseThrow();
        assertTrue(reason.contains(SECCOMP.describe()), reason);
        assertTrue(reason.contains("6.1.0-test"), reason);
    }

    @Test
    void userfaultfdConditionFailsInsteadOfSkippingWhenKernelFeaturesAreRequired() {
        UserfaultfdCondition.RequiredKernelFeatureMissing e = assertThrows(
                UserfaultfdCondition.RequiredKernelFeatureMissing.class,
                () -> UserfaultfdCondition.evaluate(without(SECCOMP), true));
        assertTrue(e.getMessage().contains(SECCOMP.describe()), e.getMessage());
        assertTrue(e.getMessage().contains(UserfaultfdCondition.REQUIRE_PROPERTY + "=true"), e.getMessage());
    }

    @Test
    void userfaultfdConditionGivesAReasonEvenWhenTheProbeNamedNoProblem() {
        Capabilities noFeatures = new Capabilities("6.1.0-test", "amd64", Optional.of(Userfaultfd.Source.SYSCALL), 0x1,
                true, 0xff, 0, "madvise", 0, 2 << 20, List.of());
        String reason = UserfaultfdCondition.evaluate(noFeatures, false).getReason().orElseThrow();
        assertTrue(reason.contains("WP_ASYNC no"), reason);
    }

    @Test
    void hugetlbConditionSkipsWithTheReservationHintWhenNoPagesAreFree() {
        ConditionEvaluationResult none = HugetlbCondition.evaluate(
                Map.of("HugePages_Total", 0L, "HugePages_Free", 0L, "Hugepagesize", 2048L * 1024));
        assertTrue(none.isDisabled());
        assertEquals("no hugetlb pages reserved (echo N > /proc/sys/vm/nr_hugepages)", none.getReason().orElseThrow());
        assertTrue(HugetlbCondition.evaluate(Map.of()).isDisabled(), "no /proc/meminfo at all");
    }

    @Test
    void hugetlbConditionEnablesWhenPagesAreFree() {
        ConditionEvaluationResult some = HugetlbCondition.evaluate(Map.of("HugePages_Free", 8L, "Hugepagesize", 2048L * 1024));
        assertFalse(some.isDisabled(), some.toString());
    }

    @Test
    void annotationsAreComposedOfTheLinuxConditionAndTheirOwnExtension() {
        assertComposed(EnabledIfUserfaultfd.class, UserfaultfdCondition.class);
        assertComposed(EnabledIfHugetlb.class, HugetlbCondition.class);
    }

    private static void assertComposed(Class<? extends java.lang.annotation.Annotation> annotation, Class<?> condition) {
        EnabledOnOs os = annotation.getAnnotation(EnabledOnOs.class);
        assertTrue(os != null && Arrays.asList(os.value()).equals(List.of(OS.LINUX)), annotation + " lacks @EnabledOnOs(LINUX)");
        ExtendWith extendWith = annotation.getAnnotation(ExtendWith.class);
        assertTrue(extendWith != null && Arrays.asList(extendWith.value()).contains(condition),
                annotation + " does not register " + condition);
    }
}
