package dev.dirtypages.agent.options;

import java.util.List;

/**
 * The result of parsing: the options, and the errors as values (one line each, naming the option and
 * what is valid). With any error the agent does not start, and says why.
 */
public record ParsedOptions(AgentOptions options, List<String> errors) {
    public ParsedOptions {
        errors = List.copyOf(errors);
    }

    public boolean ok() {
        return errors.isEmpty();
    }
}
