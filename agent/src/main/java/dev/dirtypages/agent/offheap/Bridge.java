package dev.dirtypages.agent.offheap;

import dev.dirtypages.agent.offheap.bridge.OffHeapHooks;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.util.Map;
import java.util.Set;
import java.util.function.LongBinaryOperator;
import java.util.function.LongConsumer;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;

/**
 * The copy of {@link OffHeapHooks} inside {@code java.base}, where the hooks added to the JDK can call it.
 *
 * <p>How it gets there, with nothing the JVM warns about: {@link Instrumentation#redefineModule} opens the
 * package {@code jdk.internal.misc} of {@code java.base} to the agent's module (to it alone), which lets
 * {@link MethodHandles#privateLookupIn} hand the agent a lookup in that package, whose
 * {@link MethodHandles.Lookup#defineClass} defines the renamed template there, with the boot loader. No
 * class of the agent becomes visible to the application, nothing is appended to the boot class path (HotSpot
 * would warn that CDS is disabled for it) and no {@code Unsafe} is used. The agent then reaches the copy by
 * reflection only (the package is open to it).
 */
final class Bridge {
    static final String TEMPLATE = "dev/dirtypages/agent/offheap/bridge/OffHeapHooks";
    static final String RUNTIME = OffHeapHooks.RUNTIME_NAME.replace('.', '/');
    private static final String PACKAGE = "jdk.internal.misc";

    private final Class<?> hooks;

    private Bridge(Class<?> hooks) {
        this.hooks = hooks;
    }

    /** Defines the bridge in {@code java.base}, or finds the one an earlier start defined. */
    static Bridge define(Instrumentation instrumentation) throws ReflectiveOperationException, IOException {
        Class<?> anchor = Class.forName(PACKAGE + ".Unsafe", false, null);
        Module base = anchor.getModule();
        Module self = Bridge.class.getModule();
        if (!base.isOpen(PACKAGE, self)) {
            instrumentation.redefineModule(base, Set.of(), Map.of(), Map.of(PACKAGE, Set.of(self)), Set.of(), Map.of());
        }
        try {
            return new Bridge(Class.forName(OffHeapHooks.RUNTIME_NAME, true, null));
        } catch (ClassNotFoundException notYet) {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(anchor, MethodHandles.lookup());
            return new Bridge(lookup.defineClass(renamed(TEMPLATE)));
        }
    }

    /** The class file of {@code internalName} (one of the agent's), with every reference to the template renamed. */
    static byte[] renamed(String internalName) throws IOException {
        return rename(classFile(internalName));
    }

    static byte[] rename(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassRemapper(writer, new SimpleRemapper(TEMPLATE, RUNTIME)), 0);
        return writer.toByteArray();
    }

    static byte[] classFile(String internalName) throws IOException {
        ClassLoader loader = Bridge.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IOException(internalName + ".class is missing from the agent");
            }
            return in.readAllBytes();
        }
    }

    Class<?> type() {
        return hooks;
    }

    /** Sets the receivers; null for a kind not tracked. */
    void receivers(LongBinaryOperator unsafe, LongBinaryOperator direct, LongBinaryOperator arena, LongConsumer free)
            throws ReflectiveOperationException {
        // The free receiver first and the allocation receivers last, so that no block is seen allocated whose free
        // would go unseen; the reverse order when clearing.
        hooks.getField("free").set(null, free);
        hooks.getField("unsafe").set(null, unsafe);
        hooks.getField("direct").set(null, direct);
        hooks.getField("arena").set(null, arena);
    }

    void clear() throws ReflectiveOperationException {
        hooks.getField("arena").set(null, null);
        hooks.getField("direct").set(null, null);
        hooks.getField("unsafe").set(null, null);
        hooks.getField("free").set(null, null);
    }

    /** The calling thread's allocations are not tracked: for the agent's own threads. */
    void ignoreCurrentThread() throws ReflectiveOperationException {
        hooks.getMethod("ignoreCurrentThread").invoke(null);
    }

    /** The calling thread's allocations are tracked again (undoes {@link #ignoreCurrentThread}). */
    void attendCurrentThread() throws ReflectiveOperationException {
        hooks.getMethod("attendCurrentThread").invoke(null);
    }
}
