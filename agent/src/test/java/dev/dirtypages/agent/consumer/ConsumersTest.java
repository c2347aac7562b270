package dev.dirtypages.agent.consumer;

import dev.dirtypages.agent.testing.Await;
import dev.dirtypages.agent.sample.ScanTrigger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.sample.Sampler;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.pagemap.PageRegion;
import dev.dirtypages.kernel.pagemap.PagemapScanner;
import dev.dirtypages.kernel.pagemap.ScanQuery;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.BitSet;
import java.util.Random;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Consumers against ground truth, on the real kernel: memory whose every write the test makes, tracked by
 * the agent's own sampler, scanned by "timer" scans the test triggers in between checkpoints.
 */
@EnabledIfUserfaultfd
class ConsumersTest {
    private static final int PAGES = 512;
    private final Random random = new Random(42);
    private ConsumerFixture fixture;
    private AnonymousMapping memory;
    private Sampler sampler;
    private Consumers consumers;

    @BeforeEach
    void track() {
        fixture = new ConsumerFixture(PAGES);
        memory = fixture.memory();
        sampler = fixture.sampler();
        consumers = fixture.consumers();
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void twoConsumersWithDifferentSchedulesEachGetEveryWriteOfTheirEpochAndNothingElse() {
        consumers.register("fast", 0);
        consumers.register("slow", 0);
        BitSet sinceFast = new BitSet();
        BitSet sinceSlow = new BitSet();
        for (int round = 1; round <= 12; round++) {
            BitSet before = write(15);
            if (round % 2 == 0) {
                sampler.scanNow(ScanTrigger.TIMER);              // the JFR timer's scan in between: it must steal nothing
            }
            BitSet after = write(15);
            sinceFast.or(before);
            sinceFast.or(after);
            sinceSlow.or(before);
            sinceSlow.or(after);
            Checkpoint fast = consumers.checkpoint("fast");
            assertEquals(sinceFast, pages(fast), "fast, round " + round);
            assertEquals(0, fast.getCoarsenedBytes());
            assertFalse(fast.isDeferred());
            sinceFast.clear();
            if (round % 3 == 0) {
                Checkpoint slow = consumers.checkpoint("slow");
                assertEquals(sinceSlow, pages(slow), "slow, round " + round);
                sinceSlow.clear();
            }
        }
    }

    @Test
    void aConsumerThatNeverComesBackHoldsNoMoreThanItsBoundAndLosesNothing() {
        consumers.register("gone", 8);
        consumers.register("fast", 0);
        BitSet all = new BitSet();
        for (int round = 0; round < 50; round++) {
            BitSet written = write(10);
            all.or(written);
            sampler.scanNow(ScanTrigger.TIMER);
            assertTrue(consumers.pendingRanges("gone") <= 8, "after scan " + round + ": "
                    + consumers.pendingRanges("gone") + " ranges");
            assertEquals(written, pages(consumers.checkpoint("fast")), "the other consumer stays exact");
        }
        Checkpoint late = consumers.checkpoint("gone");
        assertTrue(late.getCount() <= 8, late.toString());
        BitSet reported = pages(late);
        BitSet missing = (BitSet) all.clone();
        missing.andNot(reported);
        assertTrue(missing.isEmpty(), "pages missed: " + missing);
        assertTrue(late.isCoarsened(), late.toString());
        BitSet extra = (BitSet) reported.clone();
        extra.andNot(all);
        assertTrue(extra.cardinality() * Pages.SIZE <= late.getCoarsenedBytes(), late.toString());
    }

    @Test
    void aFreezeHoldsReArmingSoThatAReadOnlyScanSeesEveryWriteSinceIt() {
        consumers.register("tool", 0);
        consumers.register("other", 0);
        BitSet first = write(20);
        try (Freeze freeze = consumers.freeze("tool", Duration.ofSeconds(30))) {
            assertEquals(first, pages(freeze.checkpoint()));
            BitSet second = write(20);
            assertEquals(0, sampler.scanNow(ScanTrigger.TIMER).scanId(), "no scan while frozen");
            Checkpoint other = consumers.checkpoint("other");
            assertTrue(other.isDeferred());
            assertEquals(first, pages(other), "the other consumer gets what the freeze's scan found, not more");
            assertEquals(second, writtenReadOnly(), "every write since the freeze is WRITTEN in the page tables");
            assertTrue(freeze.thaw(), "held until thawed");
            assertFalse(freeze.isActive());
            assertNotEquals(0, sampler.scanNow(ScanTrigger.TIMER).scanId());
            assertEquals(second, pages(consumers.checkpoint("tool")), "after the thaw they come to every consumer");
            assertEquals(second, pages(consumers.checkpoint("other")));
        }
    }

    @Test
    void aFreezeWhoseLeaseRunsOutEndsByItself() throws Exception {
        consumers.register("vanished", 0);
        Freeze freeze = consumers.freeze("vanished", Duration.ofMillis(100));
        assertEquals(0, sampler.scanNow(ScanTrigger.TIMER).scanId());
        Await.until(Duration.ofSeconds(5), () -> !freeze.isActive(), () -> "the lease did not end the freeze");
        assertTrue(freeze.isExpired());
        assertFalse(freeze.thaw(), "a thaw after the lease ran out says so");
        assertNotEquals(0, sampler.scanNow(ScanTrigger.TIMER).scanId());
    }

    @Test
    void namesBoundsAndUnknownConsumersAreRefusedWithTheReason() {
        consumers.register("a", 0);
        assertTrue(assertThrows(IllegalStateException.class, () -> consumers.register("a", 0)).getMessage()
                .contains("already registered"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> consumers.register("no spaces", 0)).getMessage()
                .contains("name"));
        assertThrows(IllegalArgumentException.class, () -> consumers.register("b", -1));
        assertThrows(IllegalArgumentException.class, () -> consumers.register("b", Consumers.MAX_MAX_RANGES + 1));
        String unknown = assertThrows(IllegalArgumentException.class, () -> consumers.checkpoint("zz")).getMessage();
        assertTrue(unknown.contains("'zz'") && unknown.contains("registered: a"), unknown);
        assertThrows(IllegalArgumentException.class, () -> consumers.freeze("a", Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> consumers.freeze("a", Consumers.MAX_LEASE.plusMillis(1)));
        assertTrue(consumers.unregister("a"));
        assertFalse(consumers.unregister("a"));
        for (int i = 0; i < Consumers.MAX_CONSUMERS; i++) {
            consumers.register("c" + i, 1);
        }
        assertThrows(IllegalStateException.class, () -> consumers.register("one-too-many", 0));
    }

    /** What an application does: the platform MBean, with JDK types only. */
    @Test
    void anApplicationReachesItsConsumerThroughThePlatformMBean() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(ConsumersMXBean.OBJECT_NAME);
        Consumers.publish(consumers, fixture.log());
        try {
            server.invoke(name, "register", new Object[] {"app", 0}, new String[] {"java.lang.String", "int"});
            BitSet written = write(12);
            CompositeData c = (CompositeData) server.invoke(name, "checkpoint", new Object[] {"app"},
                    new String[] {"java.lang.String"});
            long[] ranges = (long[]) c.get("ranges");
            BitSet reported = new BitSet();
            for (int i = 0; i < ranges.length; i += 2) {
                reported.set(TestMemory.pageOf(memory, ranges[i]), TestMemory.pageOf(memory, ranges[i + 1]));
            }
            assertEquals(written, reported);
            assertEquals(0L, c.get("coarsenedBytes"));
            String[] listed = (String[]) server.getAttribute(name, "Consumers");
            assertTrue(listed.length == 1 && listed[0].startsWith("app "), String.join("|", listed));
            String[] regions = (String[]) server.getAttribute(name, "Regions");
            assertEquals(String.format("%x-%x java-heap", memory.address(), memory.end()), regions[0]);
        } finally {
            server.unregisterMBean(name);
        }
    }

    /** Writes {@code n} distinct random pages; returns which. */
    private BitSet write(int n) {
        BitSet pages = new BitSet();
        while (pages.cardinality() < n) {
            pages.set(random.nextInt(PAGES));
        }
        TestMemory.writePages(memory, pages, (byte) random.nextInt());
        return pages;
    }

    private BitSet pages(Checkpoint c) {
        BitSet out = new BitSet();
        for (int i = 0; i < c.getCount(); i++) {
            out.set(TestMemory.pageOf(memory, c.start(i)), TestMemory.pageOf(memory, c.end(i)));
        }
        return out;
    }

    private BitSet writtenReadOnly() {
        BitSet out = new BitSet();
        try (PagemapScanner scanner = PagemapScanner.openSelf(PagemapScanner.DEFAULT_CAPACITY)) {
            for (PageRegion r : scanner.scan(memory.address(), memory.end(), ScanQuery.WRITTEN)) {
                out.set(TestMemory.pageOf(memory, r.start()), TestMemory.pageOf(memory, r.end()));
            }
        }
        return out;
    }
}
