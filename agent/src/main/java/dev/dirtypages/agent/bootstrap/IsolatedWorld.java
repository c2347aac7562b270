package dev.dirtypages.agent.bootstrap;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The agent's hidden part as one named module, {@value #MODULE}, in a module layer of its own over the
 * boot layer, its classes loaded by an {@link IsolatedClassLoader}.
 *
 * <p>Why a named module and not simply the loader's unnamed module: the JDK (22+) keeps native access
 * (JEP 454, JEP 472) per named module, but as one flag for all unnamed modules together (enabling it on
 * one unnamed module changes nothing; the only switch enables every class path at once). Granting it to
 * an unnamed module of ours would grant it to the application's class path as well, and lift a
 * {@code --illegal-native-access=deny} the user set for it; granting it to this module grants it to the
 * agent alone. The module is automatic: it reads every module of the boot layer and exports and opens
 * all its packages, so the code in it behaves as it does on a class path.
 */
final class IsolatedWorld {
    static final String MODULE = "dev.dirtypages.agent.isolated";

    private final AgentJar jar;
    private final IsolatedClassLoader loader;
    private final ModuleLayer.Controller controller;
    private final Module module;

    private IsolatedWorld(AgentJar jar, IsolatedClassLoader loader, ModuleLayer.Controller controller) {
        this.jar = jar;
        this.loader = loader;
        this.controller = controller;
        this.module = controller.layer().findModule(MODULE).orElseThrow();
    }

    /** Opens the agent jar at {@code jarPath} and defines its hidden part as a module layer. */
    static IsolatedWorld create(Path jarPath) throws IOException {
        AgentJar jar = AgentJar.open(jarPath, Runtime.version().feature());
        try {
            ModuleDescriptor descriptor = ModuleDescriptor.newAutomaticModule(MODULE)
                    .packages(jar.packages())
                    .build();
            ModuleReference reference = new JarModuleReference(descriptor, jar);
            ModuleFinder finder = new SingleModuleFinder(reference);
            Configuration configuration = ModuleLayer.boot().configuration()
                    .resolve(finder, ModuleFinder.of(), Set.of(MODULE));
            IsolatedClassLoader loader = new IsolatedClassLoader(jar, MODULE);
            ModuleLayer.Controller controller =
                    ModuleLayer.defineModules(configuration, List.of(ModuleLayer.boot()), name -> loader);
            return new IsolatedWorld(jar, loader, controller);
        } catch (RuntimeException | Error e) {
            jar.close();
            throw e;
        }
    }

    ClassLoader loader() {
        return loader;
    }

    Module module() {
        return module;
    }

    ModuleLayer.Controller controller() {
        return controller;
    }

    Path jarPath() {
        return jar.path();
    }

    /** Loads a hidden class. */
    Class<?> load(String className) throws ClassNotFoundException {
        return Class.forName(className, true, loader);
    }

    /**
     * Calls a public static method of a hidden class with the isolated loader as the thread's context
     * class loader (threads the call starts inherit it), unwrapping what the method throws.
     */
    Object invokeStatic(String className, String methodName, Class<?>[] parameterTypes, Object... args)
            throws Throwable {
        Method method = load(className).getMethod(methodName, parameterTypes);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return method.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() != null ? e.getCause() : e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static final class SingleModuleFinder implements ModuleFinder {
        private final ModuleReference reference;

        SingleModuleFinder(ModuleReference reference) {
            this.reference = reference;
        }

        @Override
        public Optional<ModuleReference> find(String name) {
            return reference.descriptor().name().equals(name) ? Optional.of(reference) : Optional.empty();
        }

        @Override
        public Set<ModuleReference> findAll() {
            return Set.of(reference);
        }
    }

    /** The module's contents, for tools that read a module; the loader reads {@link AgentJar} itself. */
    private static final class JarModuleReference extends ModuleReference {
        private final AgentJar jar;

        JarModuleReference(ModuleDescriptor descriptor, AgentJar jar) {
            super(descriptor, jar.path().toUri());
            this.jar = jar;
        }

        @Override
        public ModuleReader open() {
            return new ModuleReader() {
                @Override
                public Optional<URI> find(String name) {
                    URL url = jar.url(name);
                    if (url == null) {
                        return Optional.empty();
                    }
                    try {
                        return Optional.of(url.toURI());
                    } catch (URISyntaxException e) {
                        return Optional.empty();
                    }
                }

                @Override
                public Optional<java.io.InputStream> open(String name) throws IOException {
                    byte[] bytes = jar.read(name);
                    return bytes == null ? Optional.empty() : Optional.of(new java.io.ByteArrayInputStream(bytes));
                }

                @Override
                public Stream<String> list() {
                    return jar.resourceNames().stream();
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
