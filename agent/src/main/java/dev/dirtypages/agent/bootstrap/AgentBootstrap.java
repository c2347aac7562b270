package dev.dirtypages.agent.bootstrap;

import java.io.IOException;
import java.lang.instrument.Instrumentation;

/**
 * What {@code premain} and {@code agentmain} do: build the isolated world once per JVM (see
 * {@link IsolatedWorld}), grant it native access, and hand over to
 * {@code dev.dirtypages.agent.runtime.AgentRuntime.start(String, Instrumentation, boolean)} inside it.
 */
public final class AgentBootstrap {
    static final String RUNTIME_CLASS = "dev.dirtypages.agent.runtime.AgentRuntime";

    private static IsolatedWorld world;

    private AgentBootstrap() {
    }

    /**
     * Starts the agent. Throws whatever goes wrong on the way; the caller prints it.
     *
     * @param options the option string after {@code =}, may be null
     * @param instrumentation the JVM's instrumentation
     * @param dynamicallyAttached whether the agent was attached to a running JVM
     */
    public static void start(String options, Instrumentation instrumentation, boolean dynamicallyAttached)
            throws Throwable {
        IsolatedWorld w = world(instrumentation);
        w.invokeStatic(RUNTIME_CLASS, "start", new Class<?>[] {String.class, Instrumentation.class, boolean.class},
                options, instrumentation, dynamicallyAttached);
    }

    /** The isolated world of this JVM, created on first use (a second load or attach reuses it). */
    static synchronized IsolatedWorld world(Instrumentation instrumentation) throws IOException {
        if (world == null) {
            IsolatedWorld w = IsolatedWorld.create(AgentJar.locate());
            NativeAccess.enable(w, instrumentation);
            world = w;
        }
        return world;
    }

    /** One line for a throwable: its class and message, and those of its causes where it has no message. */
    public static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.toString());
        Throwable cause = t.getCause();
        for (int depth = 0; cause != null && cause != t && depth < 5; depth++) {
            sb.append(" (caused by ").append(cause).append(')');
            t = cause;
            cause = t.getCause();
        }
        return sb.toString().replace(System.lineSeparator(), " ").replace('\n', ' ');
    }
}
