package dev.dirtypages.agent.options;

/**
 * How the sampler re-arms tracked memory after each scan.
 *
 * <p>Plain: every page reported written is write-protected again, so that every scan measures. Adaptive: the
 * memory is cut into stripes; a stripe found written in full by {@code assumeAfter} scans in a row is left
 * unarmed for the next {@code assumeFor} scans, which report it written without measuring it, and is then
 * armed again. Pages rewritten in every interval (eden, hot buffers) stop paying a write fault per interval;
 * a page of such a stripe left alone meanwhile is over-reported, and no written page is ever missed.
 *
 * @param adaptive    whether stripes may be left unarmed
 * @param stripeBytes the unit adaptive arming decides on (a power of two, at least a page)
 * @param assumeAfter scans in a row that must find a stripe written in full before it is assumed written
 * @param assumeFor   scans a stripe then stays assumed written before it is measured again
 */
public record ArmingPolicy(boolean adaptive, long stripeBytes, int assumeAfter, int assumeFor) {
    public static final long DEFAULT_STRIPE = 2L << 20;
    public static final int DEFAULT_ASSUME_AFTER = 3;
    public static final int DEFAULT_ASSUME_FOR = 10;
    public static final ArmingPolicy PLAIN =
            new ArmingPolicy(false, DEFAULT_STRIPE, DEFAULT_ASSUME_AFTER, DEFAULT_ASSUME_FOR);

    public ArmingPolicy {
        if (stripeBytes < 4096 || Long.bitCount(stripeBytes) != 1 || assumeAfter < 1 || assumeFor < 1) {
            throw new IllegalArgumentException("stripe must be a power of two of at least 4k, and the scan counts at "
                    + "least 1: " + stripeBytes + ", " + assumeAfter + ", " + assumeFor);
        }
    }

    /** {@code arming=adaptive,stripe=2m,assumeafter=3,assumefor=10}, or {@code arming=plain}. */
    public String describe() {
        if (!adaptive) {
            return "arming=plain";
        }
        return "arming=adaptive,stripe=" + OptionsParser.formatSize(stripeBytes) + ",assumeafter=" + assumeAfter
                + ",assumefor=" + assumeFor;
    }
}
