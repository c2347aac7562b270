package dev.dirtypages.agent.options;

/**
 * How the sampler re-arms tracked memory after each scan.
 *
 * <p>Collector (the default): the heap is cut by what the collector does with it. Old and humongous memory is
 * measured as with plain arming; young memory (G1 eden and survivor regions, the Parallel and Serial young
 * generation) is left unarmed and reported written without being measured; G1 free regions are left alone. Where
 * the collector gives no such knowledge (Shenandoah) the heap is measured as with plain arming.
 *
 * <p>Plain: every page reported written is write-protected again, so that every scan measures. Adaptive: the
 * memory is cut into stripes; a stripe found written in full by {@code assumeAfter} scans in a row is left
 * unarmed for the next {@code assumeFor} scans, which report it written without measuring it, and is then
 * armed again. Pages rewritten in every interval (eden, hot buffers) stop paying a write fault per interval;
 * a page of such a stripe left alone meanwhile is over-reported, and no written page is ever missed.
 *
 * @param mode        collector, plain or adaptive
 * @param stripeBytes the unit adaptive arming decides on (a power of two, at least a page)
 * @param assumeAfter scans in a row that must find a stripe written in full before it is assumed written
 * @param assumeFor   scans a stripe then stays assumed written before it is measured again
 */
public record ArmingPolicy(Mode mode, long stripeBytes, int assumeAfter, int assumeFor) {
    /** The arming modes, as {@code arming=} names them. */
    public enum Mode {
        COLLECTOR, PLAIN, ADAPTIVE;

        public String optionName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final long DEFAULT_STRIPE = 2L << 20;
    public static final int DEFAULT_ASSUME_AFTER = 3;
    public static final int DEFAULT_ASSUME_FOR = 10;
    public static final ArmingPolicy PLAIN =
            new ArmingPolicy(Mode.PLAIN, DEFAULT_STRIPE, DEFAULT_ASSUME_AFTER, DEFAULT_ASSUME_FOR);
    public static final ArmingPolicy COLLECTOR =
            new ArmingPolicy(Mode.COLLECTOR, DEFAULT_STRIPE, DEFAULT_ASSUME_AFTER, DEFAULT_ASSUME_FOR);

    public ArmingPolicy {
        java.util.Objects.requireNonNull(mode, "mode");
        if (stripeBytes < 4096 || Long.bitCount(stripeBytes) != 1 || assumeAfter < 1 || assumeFor < 1) {
            throw new IllegalArgumentException("stripe must be a power of two of at least 4k, and the scan counts at "
                    + "least 1: " + stripeBytes + ", " + assumeAfter + ", " + assumeFor);
        }
    }

    /** Whether stripes of the heap may be left unarmed by adaptive arming. */
    public boolean adaptive() {
        return mode == Mode.ADAPTIVE;
    }

    /** Whether the heap is armed by what the collector does with it. */
    public boolean collectorAware() {
        return mode == Mode.COLLECTOR;
    }

    /** {@code arming=adaptive,stripe=2m,assumeafter=3,assumefor=10}, {@code arming=plain} or {@code arming=collector}. */
    public String describe() {
        if (!adaptive()) {
            return "arming=" + mode.optionName();
        }
        return "arming=adaptive,stripe=" + OptionsParser.formatSize(stripeBytes) + ",assumeafter=" + assumeAfter
                + ",assumefor=" + assumeFor;
    }
}
