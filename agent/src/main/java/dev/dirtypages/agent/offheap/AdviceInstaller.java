package dev.dirtypages.agent.offheap;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.dirtypages.agent.offheap.advice.AllocateAdvice;
import dev.dirtypages.agent.offheap.advice.ArenaMarkAdvice;
import dev.dirtypages.agent.offheap.advice.DirectMarkAdvice;
import dev.dirtypages.agent.offheap.advice.FreeAdvice;
import dev.dirtypages.agent.offheap.advice.ReallocateAdvice;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the advice on the JDK's own classes, retransforming those already loaded.
 *
 * <ul>
 * <li>{@code jdk.internal.misc.Unsafe}: {@code allocateMemory}, {@code reallocateMemory}, {@code freeMemory},
 *     the lowest level every native allocation of the JDK goes through ({@code sun.misc.Unsafe} delegates to
 *     it, so do direct buffers and FFM arenas). Each allocation is seen here once.</li>
 * <li>Markers, so that the lowest level knows who asked: {@code java.nio.ByteBuffer.allocateDirect} and the
 *     JDK's temporary direct buffers ({@code sun.nio.ch.Util}) are direct buffers; on JDK 22+ the static
 *     {@code allocate*} methods of {@code jdk.internal.foreign.SegmentFactories} are FFM arenas.</li>
 * </ul>
 *
 * <p>No class format change (advice only), no injection, no Nexus, nothing loaded into the application's
 * class loaders.
 */
final class AdviceInstaller {
    static final String UNSAFE = "jdk.internal.misc.Unsafe";
    static final String BYTE_BUFFER = "java.nio.ByteBuffer";
    static final String NIO_UTIL = "sun.nio.ch.Util";
    static final String SEGMENT_FACTORIES = "jdk.internal.foreign.SegmentFactories";
    /** The first JDK whose FFM API is final (JEP 454), with the segment factory instrumented here. */
    static final int ARENA_FEATURE = 22;

    /** What installation did. */
    record Installed(Set<String> transformed, List<String> errors) {
    }

    private AdviceInstaller() {
    }

    static Installed install(Instrumentation instrumentation, boolean arenas) throws IOException {
        disableNexus();
        ClassFileLocator locator = advice(AllocateAdvice.class, ReallocateAdvice.class, FreeAdvice.class,
                DirectMarkAdvice.class, ArenaMarkAdvice.class);
        TypePool pool = TypePool.Default.of(locator);
        Set<String> transformed = ConcurrentHashMap.newKeySet();
        List<String> errors = new ArrayList<>();
        List<String> targets = new ArrayList<>(List.of(UNSAFE, BYTE_BUFFER, NIO_UTIL));
        if (arenas) {
            targets.add(SEGMENT_FACTORIES);
        }
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.InjectionStrategy.Disabled.INSTANCE)
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new AgentBuilder.RedefinitionStrategy.Listener.Adapter() {
                    @Override
                    public Iterable<? extends List<Class<?>>> onError(int index, List<Class<?>> batch, Throwable throwable,
                                                                   List<Class<?>> types) {
                        synchronized (errors) {
                            errors.add("retransforming " + batch + ": " + throwable);
                        }
                        return List.of();
                    }
                })
                .with(new AgentBuilder.Listener.Adapter() {
                    @Override
                    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module,
                                                 boolean loaded, DynamicType dynamicType) {
                        transformed.add(type.getName());
                    }

                    @Override
                    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                                        Throwable throwable) {
                        synchronized (errors) {
                            errors.add(typeName + ": " + throwable);
                        }
                    }
                })
                .ignore(not(namedOneOf(targets.toArray(new String[0]))))
                .type(named(UNSAFE))
                .transform((b, type, loader, module, domain) -> b
                        .visit(advice(pool, locator, AllocateAdvice.class)
                                .on(named("allocateMemory").and(takesArguments(long.class))))
                        .visit(advice(pool, locator, ReallocateAdvice.class)
                                .on(named("reallocateMemory").and(takesArguments(long.class, long.class))))
                        .visit(advice(pool, locator, FreeAdvice.class)
                                .on(named("freeMemory").and(takesArguments(long.class)))))
                .type(named(BYTE_BUFFER))
                .transform((b, type, loader, module, domain) -> b
                        .visit(advice(pool, locator, DirectMarkAdvice.class)
                                .on(named("allocateDirect").and(isStatic()))))
                .type(named(NIO_UTIL))
                .transform((b, type, loader, module, domain) -> b
                        .visit(advice(pool, locator, DirectMarkAdvice.class)
                                .on(named("getTemporaryDirectBuffer").or(named("getTemporaryAlignedDirectBuffer")))));
        if (arenas) {
            ElementMatcher.Junction<MethodDescription> allocating = isStatic().and(nameStartsWith("allocate"));
            builder = builder.type(named(SEGMENT_FACTORIES))
                    .transform((b, type, loader, module, domain) -> b
                            .visit(advice(pool, locator, ArenaMarkAdvice.class).on(allocating)));
        }
        builder.installOn(instrumentation);
        return new Installed(Set.copyOf(transformed), List.copyOf(errors));
    }

    private static Advice advice(TypePool pool, ClassFileLocator locator, Class<?> template) {
        return Advice.to(pool.describe(template.getName()).resolve(), locator);
    }

    /**
     * The advice templates' class files with their calls renamed to the bridge inside {@code java.base}, in
     * front of the agent's own classes (which resolve the annotations and ByteBuddy's types).
     */
    private static ClassFileLocator advice(Class<?>... templates) throws IOException {
        Map<String, byte[]> renamed = new HashMap<>();
        for (Class<?> t : templates) {
            renamed.put(t.getName(), Bridge.renamed(t.getName().replace('.', '/')));
        }
        return new ClassFileLocator.Compound(new ClassFileLocator.Simple(renamed),
                ClassFileLocator.ForClassLoader.of(AdviceInstaller.class.getClassLoader()));
    }

    /**
     * ByteBuddy's {@code NexusAccessor} would otherwise try to inject {@code net.bytebuddy.dynamic.Nexus} into
     * the system class loader when it is first loaded (and on JDK 24+ touch {@code sun.misc.Unsafe}, which
     * warns). The property it reads is set only while our copy of it initialises, and restored at once; with
     * {@code InitializationStrategy.NoOp} nothing uses it afterwards.
     */
    private static void disableNexus() {
        String key = "net.bytebuddy.nexus.disabled";
        String previous = System.getProperty(key);
        System.setProperty(key, "true");
        try {
            Class.forName("net.bytebuddy.dynamic.NexusAccessor", true, AdviceInstaller.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // Then nothing initialises it either.
        } finally {
            if (previous == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, previous);
            }
        }
    }
}
