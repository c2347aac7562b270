package dev.dirtypages.agent.bootstrap.isolated;

import java.lang.reflect.Method;

/**
 * Runs inside the agent's isolated module (this package is packed into the hidden part of the jar, unlike
 * its parent package): grants that module native access. The bootstrap first opens {@code java.lang}
 * to this module alone; see {@code dev.dirtypages.agent.bootstrap.NativeAccess}.
 */
public final class NativeAccessGrant {
    private NativeAccessGrant() {
    }

    /** Grants native access to this class's module (Java 22+; the bootstrap calls it only there). */
    public static void enableNativeAccess() throws ReflectiveOperationException {
        Method add = Module.class.getDeclaredMethod("implAddEnableNativeAccess");
        add.setAccessible(true);
        add.invoke(NativeAccessGrant.class.getModule());
    }
}
