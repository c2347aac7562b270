package dev.dirtypages.agent.consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.options.AgentOptions;
import dev.dirtypages.agent.log.LogLevel;
import dev.dirtypages.agent.options.RegionKind;
import dev.dirtypages.agent.log.AgentLog;
import dev.dirtypages.agent.sample.Sampler;
import dev.dirtypages.agent.track.TrackedRegion;
import dev.dirtypages.agent.track.TrackedRegions;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.List;

/**
 * Memory whose every write a test makes, tracked as a region by the agent's own sampler (not started: the
 * test triggers the scans), and the consumers of that sampler.
 */
public final class ConsumerFixture implements AutoCloseable {
    private final AgentLog log = new AgentLog(LogLevel.OFF);
    private final AnonymousMapping memory;
    private final WriteTracker tracker;
    private final Sampler sampler;
    private final Consumers consumers;

    public ConsumerFixture(int pages) {
        memory = TestMemory.smallPages(pages);
        tracker = WriteTracker.open();
        TrackedRegions regions = new TrackedRegions(tracker, log);
        assertTrue(regions.add(new TrackedRegion(RegionKind.HEAP, memory.address(), memory.end()), "test"));
        sampler = new Sampler(regions, AgentOptions.defaults(), log);
        consumers = new Consumers(sampler, regions, List::of, log);
    }

    public AgentLog log() {
        return log;
    }

    public AnonymousMapping memory() {
        return memory;
    }

    public Sampler sampler() {
        return sampler;
    }

    public Consumers consumers() {
        return consumers;
    }

    @Override
    public void close() {
        tracker.close();
        memory.close();
    }
}
