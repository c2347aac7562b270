package dev.dirtypages.kernel.probe;

/**
 * A capability this kernel or process lacks: what, why, and what to do about it.
 *
 * @param feature what is missing, e.g. {@code "userfaultfd"}
 * @param cause   why, in the terms of this machine
 * @param fix     what a user can do
 */
public record Problem(String feature, String cause, String fix) {
    /** One line: {@code feature: cause; fix: fix}. */
    public String describe() {
        return feature + ": " + cause + (fix.isEmpty() ? "" : "; fix: " + fix);
    }
}
