package dev.dirtypages.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The isolated world over a small agent jar made here: class loading, resources, multi-release entries. */
class IsolatedWorldTest {
    private static final String HIDDEN = TestJars.HIDDEN;

    @TempDir
    Path dir;

    private Path agentJar() throws IOException {
        return TestJars.write(dir.resolve("agent.jar"), TestJars.hiddenPart());
    }

    @Test
    void hiddenClassesLiveInTheNamedModuleOfTheirOwnLoader() throws Exception {
        IsolatedWorld world = IsolatedWorld.create(agentJar());
        Class<?> hidden = world.load(HIDDEN);

        assertEquals(IsolatedWorld.MODULE, hidden.getModule().getName());
        assertTrue(hidden.getModule().getDescriptor().isAutomatic());
        assertEquals(world.loader(), hidden.getClassLoader());
        assertEquals(ClassLoader.getPlatformClassLoader(), world.loader().getParent());
        assertNotSame(hidden, Class.forName(HIDDEN), "the test's own copy is another class");
        assertEquals(Set.of("dev.dirtypages.agent.bootstrap.testdata"), world.module().getPackages());
    }

    @Test
    void theApplicationsClassesAreInvisibleAndTheWholeJdkIsVisible() throws Exception {
        IsolatedWorld world = IsolatedWorld.create(agentJar());
        assertThrows(ClassNotFoundException.class, () -> Class.forName(Test.class.getName(), false, world.loader()));
        assertThrows(ClassNotFoundException.class,
                () -> Class.forName(IsolatedWorldTest.class.getName(), false, world.loader()));
        // jdk.attach is defined to the application class loader, not to the platform one.
        Class<?> attach = Class.forName("com.sun.tools.attach.VirtualMachine", false, world.loader());
        assertEquals("jdk.attach", attach.getModule().getName());
        assertEquals(String.class, Class.forName("java.lang.String", false, world.loader()));
    }

    @Test
    void resourcesComeFromTheNewestApplicableVersion() throws Throwable {
        IsolatedWorld world = IsolatedWorld.create(agentJar());
        assertEquals("for 11+", world.invokeStatic(HIDDEN, "resource", new Class<?>[] {String.class}, "/settings.txt"));
        assertEquals("only base", world.invokeStatic(HIDDEN, "resource", new Class<?>[] {String.class}, "/only/base.txt"));

        URL url = world.loader().getResource("settings.txt");
        assertTrue(url.toString().startsWith("jar:file:"), url::toString);
        assertTrue(url.toString().endsWith("!/inst/META-INF/versions/11/settings.txt"), url::toString);
        try (InputStream in = url.openStream()) {
            assertEquals("for 11+", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(world.loader().getResource(HIDDEN.replace('.', '/') + ".class").toString().endsWith(".classdata"));
    }

    @Test
    void theContextClassLoaderIsTheIsolatedOneDuringACallAndRestoredAfter() throws Throwable {
        IsolatedWorld world = IsolatedWorld.create(agentJar());
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        world.invokeStatic(HIDDEN, "resource", new Class<?>[] {String.class}, "/settings.txt");
        assertEquals(before, Thread.currentThread().getContextClassLoader());
    }

    @Test
    void aJarWithoutAHiddenPartIsRefused() throws Exception {
        Path empty = TestJars.write(dir.resolve("empty.jar"),
                java.util.Map.of("dev/dirtypages/agent/DirtyPagesAgent.class", new byte[0]));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> IsolatedWorld.create(empty));
        assertTrue(e.getMessage().contains("not the packaged agent jar"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> IsolatedWorld.create(dir));
    }

    @Test
    void nativeAccessIsGrantedWhereTheCallerHasIt() throws Exception {
        IsolatedWorld world = IsolatedWorld.create(agentJar());
        boolean granted = NativeAccess.enable(world, null);
        if (!NativeAccess.supported()) {
            assertTrue(!granted, "Java " + Runtime.version().feature() + " has no native access to grant");
        } else if (NativeAccess.isEnabled(IsolatedWorldTest.class.getModule())) {
            // The test JVM runs with --enable-native-access=ALL-UNNAMED on 22+ (see the parent pom).
            assertTrue(granted);
            assertTrue(NativeAccess.isEnabled(world.module()));
        }
    }
}
