/**
 * The agent's bootstrap: the only classes (with {@code dev.dirtypages.agent.DirtyPagesAgent}) that lie at
 * normal paths in the agent jar, and so the only ones an application can see once the jar is on the
 * system class path.
 *
 * <p>Everything else (the agent's other packages, native-helper, JNA, ByteBuddy) lies under {@code inst/}
 * with class files renamed {@code .classdata} and is loaded by {@link dev.dirtypages.agent.bootstrap.IsolatedClassLoader}
 * (parent: the platform class loader) as one named module in a module layer of its own, so that an
 * application with its own JNA or ByteBuddy neither sees ours nor clashes with it. The module gets native
 * access on Java 22+ without any flag (see {@link dev.dirtypages.agent.bootstrap.NativeAccess}).
 */
package dev.dirtypages.agent.bootstrap;
