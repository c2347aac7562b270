package dev.dirtypages.agent.report.model;

/** The file cannot give a report; the message is one line for the user that names the cause. */
public final class UnusableRecordingException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnusableRecordingException(String message) {
        super(message, null, false, false);
    }
}
