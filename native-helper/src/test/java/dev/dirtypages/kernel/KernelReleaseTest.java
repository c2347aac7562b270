package dev.dirtypages.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelReleaseTest {
    @Test
    void comparesMajorThenMinor() {
        assertTrue(KernelRelease.atLeast("6.7.0", 6, 7));
        assertTrue(KernelRelease.atLeast("6.18.44-fc-v657", 6, 7));
        assertTrue(KernelRelease.atLeast("7.0-rc1", 6, 7));
        assertFalse(KernelRelease.atLeast("6.6.30-generic", 6, 7));
        assertFalse(KernelRelease.atLeast("5.15.0-91-generic", 6, 7));
    }

    @Test
    void anUnreadableReleaseIsNotNewEnough() {
        assertFalse(KernelRelease.atLeast("unknown", 6, 7));
        assertFalse(KernelRelease.atLeast("", 6, 7));
        assertFalse(KernelRelease.atLeast(null, 6, 7));
        assertFalse(KernelRelease.atLeast("99999999999.1", 6, 7));
    }
}
