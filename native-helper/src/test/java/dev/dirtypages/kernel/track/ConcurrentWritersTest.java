package dev.dirtypages.kernel.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writers write random pages of a shared tracked mapping while this thread collects (report and re-arm)
 * in a loop. No write may be lost.
 *
 * <p>The ground truth. The collector publishes {@code started = k} (volatile) before collection {@code k}
 * and after collection {@code k - 1} returned. A writer reads {@code s = started}, writes its page, issues
 * a full fence, reads {@code e = started}, and logs {@code (page, s, e)}. Then:
 * <ul>
 *   <li>collections before {@code s} had returned before the write began, so they cannot have seen it;</li>
 *   <li>collection {@code e + 1} was published after the writer's fenced read, so its scan of the page
 *       comes after the write and sees the page unprotected, unless an earlier scan re-armed it after
 *       the write, in which case that scan reported it.</li>
 * </ul>
 * So some collection in {@code [s, e + 1]} must report the page: the test fails on a real loss and cannot
 * fail spuriously. (A write to a page already unprotected takes no fault, but then the PTE still says
 * written, and the first scan of it after the write reports it, the same argument.) After the writers stop,
 * one more collection ({@code ROUNDS + 1}) closes every window.
 *
 * <p>Pages reported in a round that no write can explain (no write to the page with the round in its
 * window) are counted and printed, not asserted: reporting too much is safe, reporting too little is not.
 */
@EnabledIfUserfaultfd
class ConcurrentWritersTest {
    private static final long P = Pages.SIZE;
    private static final int PAGES = 65536; // large enough that a scan lasts long enough for writes to race it; fits the 16-bit log field
    private static final int WRITERS = 3;
    private static final int ROUNDS = 3000;
    /** Writes per writer per round before the next round may start. */
    private static final int QUOTA = 20;
    /** Writes per writer per round at most: the logs stay small and most writes hit armed pages. */
    private static final int CAP = 80;

    private volatile int started;
    /** Collections that have returned (for the statistics only). */
    private volatile int finished;
    private volatile boolean stop;

    private final class Writer extends Thread {
        private final int id;
        private final AnonymousMapping memory;
        private final CountDownLatch firstWrite;
        private long[] log = new long[1 << 16];
        private int size;
        /** The last round in which this writer completed its quota of writes. */
        private volatile int doneRound;
        /** Writes that completed while a collection was running. */
        private long duringCollection;
        private volatile Throwable failure;

        Writer(int id, AnonymousMapping memory, CountDownLatch firstWrite) {
            super("dirtypages-writer-" + id);
            this.id = id;
            this.memory = memory;
            this.firstWrite = firstWrite;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                Random random = new Random(1000 + id);
                int round = -1;
                int writesThisRound = 0;
                while (!stop) {
                    int s = started;
                    if (s != round) {
                        round = s;
                        writesThisRound = 0;
                    }
                    if (writesThisRound == CAP) {
                        Thread.yield();
                        continue;
                    }
                    int page = random.nextInt(PAGES);
                    memory.write(page * P + id * 8L, (byte) (s + id));
                    VarHandle.fullFence();
                    int e = started;
                    if (finished < s) {
                        duringCollection++;
                    }
                    append(page, s, e);
                    if (++writesThisRound == QUOTA) {
                        doneRound = round;
                    }
                    if (size == 1) {
                        firstWrite.countDown();
                    }
                }
            } catch (Throwable t) {
                failure = t;
                firstWrite.countDown();
            }
        }

        private void append(int page, int s, int e) {
            if (size == log.length) {
                log = Arrays.copyOf(log, size * 2);
            }
            log[size++] = ((long) page << 48) | ((long) s << 24) | e;
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // a guard against a hang (a writer stuck in a fault), not a timing
    void reportsEveryConcurrentWriteNoLaterThanTheFirstCollectionStartedAfterIt() throws InterruptedException {
        BitSet[] reported = new BitSet[ROUNDS + 2];
        List<Writer> writers = new ArrayList<>();
        try (AnonymousMapping m = TestMemory.smallPages(PAGES); WriteTracker tracker = WriteTracker.open()) {
            tracker.track(m.address(), m.end());
            CountDownLatch firstWrite = new CountDownLatch(WRITERS);
            for (int i = 0; i < WRITERS; i++) {
                writers.add(new Writer(i, m, firstWrite));
            }
            writers.forEach(Thread::start);
            try {
                firstWrite.await(); // every writer is running: the collections below race with them
                for (int k = 1; k <= ROUNDS; k++) {
                    reported[k] = collect(tracker, m, k);
                    awaitQuota(writers, k); // the writers wrote during collection k and after it
                }
            } finally {
                stop = true;
                for (Writer w : writers) {
                    w.join(TimeUnit.SECONDS.toMillis(30));
                }
            }
            for (Writer w : writers) {
                assertNull(w.failure, () -> w.getName() + " failed: " + w.failure);
                assertTrue(!w.isAlive(), w.getName() + " did not stop");
            }
            reported[ROUNDS + 1] = collect(tracker, m, ROUNDS + 1);
        }

        BitSet[] explainable = new BitSet[ROUNDS + 2];
        Arrays.setAll(explainable, i -> new BitSet(PAGES));
        long writes = 0;
        long missed = 0;
        long overlapping = 0;
        long duringCollection = writers.stream().mapToLong(w -> w.duringCollection).sum();
        List<String> firstMissed = new ArrayList<>();
        for (Writer w : writers) {
            for (int i = 0; i < w.size; i++) {
                long entry = w.log[i];
                int page = (int) (entry >>> 48);
                int s = (int) ((entry >>> 24) & 0xFFFFFF);
                int e = (int) (entry & 0xFFFFFF);
                writes++;
                if (e > s) {
                    overlapping++;
                }
                boolean found = false;
                for (int r = Math.max(1, s); r <= e + 1; r++) {
                    explainable[r].set(page);
                    found |= reported[r].get(page);
                }
                if (!found) {
                    missed++;
                    if (firstMissed.size() < 10) {
                        firstMissed.add(w.getName() + " page " + page + " written after collection " + s
                                + " started and before collection " + (e + 1) + " started");
                    }
                }
            }
        }
        long reports = 0;
        long unexplained = 0;
        for (int r = 1; r <= ROUNDS + 1; r++) {
            reports += reported[r].cardinality();
            BitSet extra = (BitSet) reported[r].clone();
            extra.andNot(explainable[r]);
            unexplained += extra.cardinality();
        }
        System.out.printf("ConcurrentWritersTest: %d writers, %d collections, %d writes (%d completed while a "
                        + "collection ran, %d across the start of one), %d page reports, %d reports no write explains "
                        + "(duplicates), %d missed%n",
                WRITERS, ROUNDS + 1, writes, duringCollection, overlapping, reports, unexplained, missed);
        assertTrue(writes >= (long) WRITERS * QUOTA * ROUNDS, "the writers wrote " + writes + " times");
        assertTrue(duringCollection > 0, "no write completed while a collection ran: the race went untested");
        assertEquals(0, missed, () -> "lost writes, e.g.: " + String.join("; ", firstMissed));
    }

    /**
     * Waits until every writer has done its writes of round {@code k}: paces the rounds on the writers'
     * progress (not on time), so that every round has writes racing the scan whatever the scheduling.
     */
    private static void awaitQuota(List<Writer> writers, int k) {
        for (Writer w : writers) {
            while (w.doneRound < k && w.failure == null) {
                Thread.yield();
            }
        }
    }

    private BitSet collect(WriteTracker tracker, AnonymousMapping m, int k) {
        BitSet pages = new BitSet(PAGES);
        started = k;
        CollectResult r = tracker.collect(m.address(), m.end(), (s, e, c) -> pages.set(
                TestMemory.pageOf(m, s), TestMemory.pageOf(m, e)), RepairListener.NONE);
        finished = k;
        assertEquals(0, r.reregistered() + r.untrackable(), r.toString());
        return pages;
    }
}
