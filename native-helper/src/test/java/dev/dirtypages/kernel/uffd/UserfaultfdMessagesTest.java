package dev.dirtypages.kernel.uffd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.Arch;
import dev.dirtypages.kernel.Errno;
import org.junit.jupiter.api.Test;

/** What a user is told when userfaultfd cannot be had or a registration fails: a cause and a fix. */
class UserfaultfdMessagesTest {
    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "\"" + part + "\" missing from: " + message);
        }
    }

    @Test
    void namesSeccompAndHowToAllowItWhenTheSystemCallIsDenied() {
        assertMentions(Userfaultfd.explainUnavailable(Arch.X86_64, Errno.EPERM, Errno.ENOENT),
                "EPERM", "seccomp", "Docker", "--security-opt seccomp=", "no /dev/userfaultfd",
                "--device /dev/userfaultfd");
    }

    @Test
    void keepsCauseAndFixApartAndJoinsThemInTheMessage() {
        UserfaultfdUnavailableException e = Userfaultfd.unavailable(Arch.X86_64, Errno.EPERM, Errno.EACCES);
        assertMentions(e.reason(), "denied (EPERM)", "seccomp", "/dev/userfaultfd is not accessible to user");
        assertFalse(e.reason().contains("fix"), e.reason());
        assertMentions(e.fix(), "--security-opt seccomp=", "setfacl -m u:");
        assertEquals("userfaultfd failed: EPERM: " + e.reason() + "; fix: " + e.fix(), e.getMessage());
        assertEquals(Errno.EPERM, e.errno());
    }

    @Test
    void suggestsNoDeviceFixWhereTheKernelIsTheProblem() {
        String tooOld = Userfaultfd.unavailableFix(Arch.X86_64, Errno.EINVAL, Errno.ENOENT);
        assertEquals("use Linux 6.7 or newer", tooOld);
        assertFalse(Userfaultfd.unavailableFix(Arch.X86_64, Errno.ENOSYS, Errno.ENOENT).contains("--device"));
    }

    @Test
    void namesTheMissingKernelOptionWhenTheSystemCallDoesNotExist() {
        assertMentions(Userfaultfd.explainUnavailable(Arch.X86_64, Errno.ENOSYS, Errno.ENOENT),
                "ENOSYS", "CONFIG_USERFAULTFD");
    }

    @Test
    void namesTheKernelVersionWhenUserModeOnlyIsUnknown() {
        assertMentions(Userfaultfd.explainUnavailable(Arch.AARCH64, Errno.EINVAL, Errno.ENOENT),
                "UFFD_USER_MODE_ONLY", "5.11", "6.7");
    }

    @Test
    void explainsHowToGrantTheDeviceWhenItIsNotAccessible() {
        assertMentions(Userfaultfd.explainUnavailable(Arch.X86_64, Errno.EPERM, Errno.EACCES),
                "/dev/userfaultfd is not accessible to user", "permission denied", "setfacl -m u:");
        assertMentions(Userfaultfd.explainUnavailable(Arch.X86_64, Errno.EPERM, Errno.EPERM), "setfacl");
    }

    @Test
    void namesUnexpectedErrnosRatherThanHidingThem() {
        assertMentions(Userfaultfd.explainUnavailable(Arch.X86_64, Errno.ENOMEM, Errno.EBUSY),
                "failed with ENOMEM", "failed with EBUSY");
    }

    @Test
    void namesTheSupportedArchitecturesOnAnyOther() {
        assertMentions(Userfaultfd.explainUnavailable(Arch.UNSUPPORTED, Errno.ENOSYS, Errno.ENOENT),
                "no known userfaultfd system call number", "run on x86_64 or aarch64");
    }

    @Test
    void explainsEachRegistrationFailureWithCauseAndFix() {
        assertMentions(Userfaultfd.explainRegister(Errno.EBUSY), "another userfaultfd", "owner");
        assertMentions(Userfaultfd.explainRegister(Errno.EINVAL), "not entirely mapped");
        assertMentions(Userfaultfd.explainRegister(Errno.ENOMEM), "vm.max_map_count", "sysctl");
        assertMentions(Userfaultfd.explainRegister(Errno.EPERM), "file mapping");
        assertNull(Userfaultfd.explainRegister(Errno.EAGAIN));
    }
}
