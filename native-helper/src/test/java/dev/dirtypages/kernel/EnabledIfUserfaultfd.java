package dev.dirtypages.kernel;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class or method only where userfaultfd write tracking works (userfaultfd with
 * {@code UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED}, and {@code PAGEMAP_SCAN}), as
 * {@link dev.dirtypages.kernel.probe.CapabilityProbe} finds it.
 *
 * <p>Elsewhere the test is disabled, with the probe's problem descriptions (cause and fix) as the reason.
 * With the system property or JUnit configuration parameter {@value UserfaultfdCondition#REQUIRE_PROPERTY}
 * {@code =true} it FAILS instead: CI sets it, because a skip on the CI machine would hide a regression.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@EnabledOnOs(value = OS.LINUX, disabledReason = "userfaultfd and PAGEMAP_SCAN are Linux system calls")
@ExtendWith(UserfaultfdCondition.class)
public @interface EnabledIfUserfaultfd {
}
