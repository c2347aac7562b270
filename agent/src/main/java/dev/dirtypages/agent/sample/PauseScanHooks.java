package dev.dirtypages.agent.sample;

/**
 * What the sampler tells the scans made inside GC pauses ({@code gcepochs=true}, see
 * dev.dirtypages.agent.gcepoch): all calls come with the sampler's scan lock held.
 */
public interface PauseScanHooks {
    /** Re-arming is held ({@link Sampler#hold}) or released: held pauses scan nothing. */
    void held(boolean held);

    /** A scan from Java begins or ends: a pause meanwhile is flagged, since the two share the pages. */
    void javaScan(boolean begins);

    /**
     * At the end of every scan from Java: takes in, through {@link Sampler#acceptPauseScan}, what the pauses
     * scanned so far, so that a consumer's checkpoint has every page re-armed before it.
     */
    void drain();

    /**
     * The JVM exits and JFR is ending its recordings: the scans waiting for their JDK pause event must be emitted
     * now, joined or not, or never.
     */
    void recordingsEnding();
}
