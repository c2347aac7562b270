package dev.dirtypages.kernel.uffd;

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
                "EPERM", "seccomp", "Docker", "--security-opt seccomp=", "/dev/userfaultfd", "absent");
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
                "/dev/userfaultfd", "permission denied", "setfacl");
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
                "x86_64 and aarch64");
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
