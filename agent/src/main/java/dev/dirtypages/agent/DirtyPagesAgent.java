package dev.dirtypages.agent;

import dev.dirtypages.agent.bootstrap.AgentBootstrap;
import dev.dirtypages.agent.bootstrap.Cli;
import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points: {@code -javaagent:dirtypages-agent.jar[=options]} ({@link #premain}), dynamic
 * attach ({@link #agentmain}) and {@code java -jar dirtypages-agent.jar} ({@link #main}).
 *
 * <p>Tiny on purpose: the agent itself lives hidden in the jar and starts in a world of its own (see
 * {@link dev.dirtypages.agent.bootstrap}). Whatever goes wrong, the application runs on: one line on
 * stderr, never an exception into the JVM (which would abort its start).
 */
public final class DirtyPagesAgent {
    private DirtyPagesAgent() {
    }

    public static void premain(String options, Instrumentation instrumentation) {
        try {
            AgentBootstrap.start(options, instrumentation, false);
        } catch (Throwable t) {
            notStarted(t);
        }
    }

    public static void agentmain(String options, Instrumentation instrumentation) {
        try {
            AgentBootstrap.start(options, instrumentation, true);
        } catch (Throwable t) {
            notStarted(t);
        }
    }

    public static void main(String[] args) {
        int code;
        try {
            code = Cli.run(args, System.out, System.err);
        } catch (Throwable t) {
            System.err.println("dirtypages: " + t);
            code = 1;
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    private static void notStarted(Throwable t) {
        try {
            String cause;
            try {
                cause = AgentBootstrap.describe(t);
            } catch (Throwable unavailable) {
                cause = String.valueOf(t);
            }
            System.err.println("dirtypages: agent not started: " + cause);
        } catch (Throwable ignored) {
            // Nothing left to tell the user with; the application must run on.
        }
    }
}
