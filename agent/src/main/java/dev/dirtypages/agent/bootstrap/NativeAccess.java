package dev.dirtypages.agent.bootstrap;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;

/**
 * Grants native access to the agent's own module on Java 22+ (JEP 454/472), so that JNA loading its
 * library prints no warning and works under {@code --illegal-native-access=deny}, without a flag from the
 * user and without granting anything to the application.
 *
 * <ul>
 * <li>As an agent: {@link Instrumentation#redefineModule} opens {@code java.lang} to the agent's module
 *     (to it alone), and code inside that module ({@code bootstrap.isolated.NativeAccessGrant}) calls the
 *     JDK's {@code Module.implAddEnableNativeAccess} on its own module. The public
 *     {@code ModuleLayer.Controller.enableNativeAccess} can't be used: it is itself restricted and would
 *     warn about (or, with deny, refuse) its caller.</li>
 * <li>As a command ({@code java -jar}): the jar's {@code Enable-Native-Access: ALL-UNNAMED} gives this
 *     class native access, so {@code ModuleLayer.Controller.enableNativeAccess} may be called.</li>
 * </ul>
 * A failure is silent: the worst case is the JDK's own warning when JNA loads.
 */
final class NativeAccess {
    static final String GRANT_CLASS = "dev.dirtypages.agent.bootstrap.isolated.NativeAccessGrant";

    private NativeAccess() {
    }

    /** Whether this Java knows native access at all (22+). */
    static boolean supported() {
        return isEnabledMethod() != null;
    }

    /** Whether {@code module} has native access; false before Java 22. */
    static boolean isEnabled(Module module) {
        Method m = isEnabledMethod();
        if (m == null) {
            return false;
        }
        try {
            return (Boolean) m.invoke(module);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Grants native access to the isolated module. {@code instrumentation} is null when running as a command.
     *
     * @return whether the module has native access afterwards (false before Java 22, where nothing needs it)
     */
    static boolean enable(IsolatedWorld world, Instrumentation instrumentation) {
        if (!supported()) {
            return false;
        }
        Module module = world.module();
        if (isEnabled(module)) {
            return true;
        }
        try {
            if (instrumentation != null && instrumentation.isModifiableModule(Object.class.getModule())) {
                instrumentation.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                        Map.of("java.lang", Set.of(module)), Set.of(), Map.of());
                world.invokeStatic(GRANT_CLASS, "enableNativeAccess", new Class<?>[0]);
            } else if (isEnabled(NativeAccess.class.getModule())) {
                Method enable = ModuleLayer.Controller.class.getMethod("enableNativeAccess", Module.class);
                enable.invoke(world.controller(), module);
            }
        } catch (Throwable t) {
            // The JDK will warn when JNA loads; nothing else is lost.
        }
        return isEnabled(module);
    }

    private static Method isEnabledMethod() {
        try {
            return Module.class.getMethod("isNativeAccessEnabled");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
