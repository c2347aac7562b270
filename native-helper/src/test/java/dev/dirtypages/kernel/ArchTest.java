package dev.dirtypages.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArchTest {
    @ParameterizedTest(name = "os.arch \"{0}\" is {1}")
    @CsvSource({
        "amd64, X86_64",
        "x86_64, X86_64",
        "AMD64, X86_64",
        "aarch64, AARCH64",
        "arm64, AARCH64",
        "AArch64, AARCH64",
        "riscv64, UNSUPPORTED",
        "x86, UNSUPPORTED",
        "ppc64le, UNSUPPORTED",
        "'', UNSUPPORTED",
    })
    void mapsTheJvmsOsArchNamesToTheSupportedArchitectures(String osArch, Arch expected) {
        assertEquals(expected, Arch.fromOsArch(osArch));
    }

    @Test
    void carriesTheKernelsUserfaultfdSystemCallNumbers() {
        assertEquals(323, Arch.X86_64.sysUserfaultfd(), "arch/x86/entry/syscalls/syscall_64.tbl");
        assertEquals(282, Arch.AARCH64.sysUserfaultfd(), "include/uapi/asm-generic/unistd.h");
        assertEquals(-1, Arch.UNSUPPORTED.sysUserfaultfd());
    }

    @Test
    @EnabledIfSystemProperty(named = "os.arch", matches = "amd64|x86_64|aarch64")
    void recognisesThisJvmsArchitecture() {
        assertNotEquals(Arch.UNSUPPORTED, Arch.current(), "os.arch=" + System.getProperty("os.arch"));
    }
}
