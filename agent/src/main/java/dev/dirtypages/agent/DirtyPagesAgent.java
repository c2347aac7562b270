package dev.dirtypages.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points. The tracking itself arrives with the agent issue; until then loading the
 * agent does nothing and prints nothing, so that a JVM started with it behaves exactly as without.
 */
public final class DirtyPagesAgent {
    private DirtyPagesAgent() {
    }

    public static void premain(String options, Instrumentation instrumentation) {
        // Intentionally empty for now.
    }

    public static void agentmain(String options, Instrumentation instrumentation) {
        premain(options, instrumentation);
    }

    public static void main(String[] args) {
        System.err.println("dirtypages: load me with -javaagent:dirtypages-agent.jar");
    }
}
