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
 * Runs the annotated test only when free hugetlb pages of the default size are reserved
 * ({@code HugePages_Free > 0} in {@code /proc/meminfo}). Never fails: few machines reserve any, and
 * reserving them takes root ({@code echo N > /proc/sys/vm/nr_hugepages}). Combine with
 * {@link EnabledIfUserfaultfd} where the test also tracks writes.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@EnabledOnOs(value = OS.LINUX, disabledReason = "hugetlb pages are a Linux facility")
@ExtendWith(HugetlbCondition.class)
public @interface EnabledIfHugetlb {
}
