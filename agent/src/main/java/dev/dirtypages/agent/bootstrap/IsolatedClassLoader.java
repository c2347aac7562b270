package dev.dirtypages.agent.bootstrap;

import java.io.IOException;
import java.net.URL;
import java.security.CodeSource;
import java.security.SecureClassLoader;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Loads the agent's hidden part (its own classes, native-helper, JNA, ByteBuddy) from the agent jar.
 *
 * <p>Its parent is the platform class loader: the application's class path is never consulted, so an
 * application with its own JNA or ByteBuddy neither sees ours nor lends us its own. Packages of the
 * hidden part are always its own; classes of the JDK's modules that the JDK defines to the application
 * class loader ({@code jdk.attach}, {@code jdk.jdi}, ...) are delegated to that loader, so the whole JDK
 * is visible and nothing of the application is.
 */
final class IsolatedClassLoader extends SecureClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final AgentJar jar;
    private final String moduleName;
    private final CodeSource codeSource;
    /** Package to loader, for the JDK modules defined to the builtin application class loader. */
    private final Map<String, ClassLoader> jdkAppModulePackages;

    IsolatedClassLoader(AgentJar jar, String moduleName) {
        super("dirtypages", ClassLoader.getPlatformClassLoader());
        this.jar = jar;
        this.moduleName = moduleName;
        this.codeSource = new CodeSource(jar.location(), (Certificate[]) null);
        this.jdkAppModulePackages = jdkAppModulePackages();
    }

    private static Map<String, ClassLoader> jdkAppModulePackages() {
        Map<String, ClassLoader> map = new HashMap<>();
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        for (Module module : ModuleLayer.boot().modules()) {
            ClassLoader loader = module.getClassLoader();
            if (loader != null && loader != platform) {
                for (String pkg : module.getPackages()) {
                    map.put(pkg, loader);
                }
            }
        }
        return map;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                String pkg = packageOf(name);
                ClassLoader jdk = jdkAppModulePackages.get(pkg);
                if (jdk != null) {
                    c = jdk.loadClass(name);
                } else if (jar.packages().contains(pkg)) {
                    c = findClass(name);
                } else {
                    c = getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes;
        try {
            bytes = jar.read(name.replace('.', '/') + ".class");
        } catch (IOException e) {
            throw new ClassNotFoundException(name + ": cannot read it from " + jar.path(), e);
        }
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length, codeSource);
    }

    @Override
    protected Class<?> findClass(String module, String name) {
        if (module != null && !module.equals(moduleName)) {
            return null;
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c != null) {
                return c;
            }
            try {
                return findClass(name);
            } catch (ClassNotFoundException e) {
                return null;
            }
        }
    }

    @Override
    protected URL findResource(String name) {
        return jar.url(name);
    }

    @Override
    protected URL findResource(String module, String name) {
        return module == null || module.equals(moduleName) ? jar.url(name) : null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = jar.url(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Set.of(url));
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    @Override
    public String toString() {
        return "dirtypages isolated class loader (" + jar.path() + ")";
    }
}
