package dev.dirtypages.agent.log;

import java.io.PrintStream;

/** The agent's lines on stderr, each prefixed {@code dirtypages:} and filtered by the {@code log=} level. */
public final class AgentLog {
    private final LogLevel level;
    private final PrintStream out;

    public AgentLog(LogLevel level) {
        this(level, System.err);
    }

    AgentLog(LogLevel level, PrintStream out) {
        this.level = level;
        this.out = out;
    }

    public LogLevel level() {
        return level;
    }

    public void error(String message) {
        print(LogLevel.ERROR, message);
    }

    public void warn(String message) {
        print(LogLevel.WARN, message);
    }

    public void info(String message) {
        print(LogLevel.INFO, message);
    }

    public void debug(String message) {
        print(LogLevel.DEBUG, message);
    }

    private void print(LogLevel messageLevel, String message) {
        if (level.includes(messageLevel)) {
            out.println("dirtypages: " + message);
        }
    }
}
