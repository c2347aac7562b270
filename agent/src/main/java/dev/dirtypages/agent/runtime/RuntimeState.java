package dev.dirtypages.agent.runtime;

import dev.dirtypages.agent.consumer.Consumers;
import dev.dirtypages.agent.offheap.OffHeapTracking;
import dev.dirtypages.agent.sample.Sampler;
import dev.dirtypages.agent.track.TrackedRegions;
import dev.dirtypages.kernel.probe.Capabilities;
import jdk.jfr.Recording;

/**
 * What the agent has set up so far, published whole behind one reference ({@code AgentRuntime}): JFR's periodic
 * events, the shutdown hook, the channel and the application read one consistent state, never half of an update.
 * Each step of the start publishes a new one.
 *
 * @param started             the start-up thread has finished (whatever it managed to set up)
 * @param capabilities        what the kernel and the process allow; null before the probe
 * @param recording           the {@code file=} recording; null without one (or before JFR is set up)
 * @param regions             the fixed regions (the heap); null before the start got that far
 * @param sampler             the timer; null when nothing is tracked
 * @param offHeap             the off-heap tracking, once armed by the sampler; null otherwise
 * @param consumers           the consumers with epochs of their own; null when nothing is tracked
 * @param offHeapBeforeAttach after a dynamic attach, what of the off-heap memory allocated before it is tracked
 *                            and what is not; null with {@code -javaagent}
 */
record RuntimeState(boolean started, Capabilities capabilities, Recording recording, TrackedRegions regions,
                    Sampler sampler, OffHeapTracking offHeap, Consumers consumers, String offHeapBeforeAttach) {
    static final RuntimeState INITIAL = new RuntimeState(false, null, null, null, null, null, null, null);

    RuntimeState withOffHeapBeforeAttach(String said) {
        return new RuntimeState(started, capabilities, recording, regions, sampler, offHeap, consumers, said);
    }

    RuntimeState withCapabilities(Capabilities probed) {
        return new RuntimeState(started, probed, recording, regions, sampler, offHeap, consumers, offHeapBeforeAttach);
    }

    RuntimeState withRecording(Recording started) {
        return new RuntimeState(this.started, capabilities, started, regions, sampler, offHeap, consumers,
                offHeapBeforeAttach);
    }

    /** Tracking set up: the regions, and (null when nothing is tracked) the sampler, the blocks and the consumers. */
    RuntimeState tracking(TrackedRegions tracked, Sampler timer, OffHeapTracking blocks, Consumers readers) {
        return new RuntimeState(started, capabilities, recording, tracked, timer, blocks, readers, offHeapBeforeAttach);
    }

    RuntimeState startedNow() {
        return new RuntimeState(true, capabilities, recording, regions, sampler, offHeap, consumers, offHeapBeforeAttach);
    }
}
