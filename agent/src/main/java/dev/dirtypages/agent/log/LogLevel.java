package dev.dirtypages.agent.log;

/** How much the agent says on stderr. Each level includes the ones above it. */
public enum LogLevel {
    OFF, ERROR, WARN, INFO, DEBUG;

    public boolean includes(LogLevel message) {
        return message != OFF && message.ordinal() <= ordinal();
    }
}
