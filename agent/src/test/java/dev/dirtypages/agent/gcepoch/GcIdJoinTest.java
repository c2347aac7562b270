package dev.dirtypages.agent.gcepoch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Joining the JVMTI hooks' pause windows to the JDK's jdk.GCPhasePause events, on fixed times. */
class GcIdJoinTest {
    private static final long MS = 1_000_000;
    /** Two young pauses and a Remark that belongs to the concurrent cycle 7 (G1's numbering). */
    private static final List<JfrPause> PAUSES = List.of(
            new JfrPause(100 * MS, 104 * MS, 6, "Pause Young (Concurrent Start) (G1 Evacuation Pause)"),
            new JfrPause(300 * MS, 301 * MS, 7, "Pause Remark"),
            new JfrPause(500 * MS, 503 * MS, 8, "Pause Young (Normal) (G1 Evacuation Pause)"));

    @Test
    void aWindowJoinsThePauseItContains() {
        // The hooks run just before the collection's timer starts and just after it stops.
        assertEquals(6, gcId(99 * MS, 105 * MS));
        assertEquals(7, gcId(299_900_000, 301_200_000));
        assertEquals(8, gcId(499 * MS, 504 * MS));
    }

    @Test
    void aWindowJustAfterAPauseButOverlappingNoneIsNotJoined() {
        // Its own pause's event has not come yet, or there is none: either way not the pause before it.
        assertTrue(GcIdJoin.best(PAUSES, 503 * MS + 500_000, 505 * MS).isEmpty());
    }

    @Test
    void aWindowWithNoPauseNearItIsNotJoined() {
        assertTrue(GcIdJoin.best(PAUSES, 200 * MS, 201 * MS).isEmpty());
        assertTrue(GcIdJoin.best(List.of(), 100 * MS, 104 * MS).isEmpty());
    }

    @Test
    void ofTwoCandidatesTheOneOverlappingMoreWins() {
        List<JfrPause> close = List.of(new JfrPause(10 * MS, 11 * MS, 1, "GC Pause"),
                new JfrPause(12 * MS, 20 * MS, 2, "GC Pause"));
        assertEquals(2, GcIdJoin.best(close, 11 * MS + 500_000, 20 * MS).orElseThrow().gcId());
    }

    @Test
    void aShortPauseKeepsItsWindowFromALongPauseJustBeforeIt() {
        // Measured under Parallel: a 5 ms pause, then 1.9 ms later a 0.6 ms one whose window opens 0.4 ms after the
        // first ended (the start scan runs before the JDK's pause timer starts). Widened by the tolerance, the
        // window would overlap the long pause more.
        List<JfrPause> close = List.of(new JfrPause(651_500_000, 656_600_000, 481, "GC Pause"),
                new JfrPause(658_500_000, 659_100_000, 482, "GC Pause"));
        assertEquals(482, GcIdJoin.best(close, 657_000_000, 659_200_000).orElseThrow().gcId());
    }

    @Test
    void aPauseJoinsOneWindowOnly() {
        // Seen under Parallel on JDK 17: a window with no JDK pause of its own opened within the end of the JDK's
        // pause before it, as JFR's clock tells them; that pause's own window had joined it already.
        GcIdJoin join = new GcIdJoin(null);
        JfrPause pause = new JfrPause(820_964_000, 822_634_000, 503, "GC Pause");
        join.add(pause);
        Optional<JfrPause> first = join.match(820_900_000, 822_724_000);
        assertEquals(Optional.of(pause), first);
        join.claim(first.orElseThrow());
        assertTrue(join.match(822_630_000, 822_930_000).isEmpty());
    }

    @Test
    void theMonotonicOffsetTurnsNanoTimeIntoTheWallClock() {
        long offset = GcIdJoin.monotonicToEpochOffset();
        long wall = GcIdJoin.epochNanos(java.time.Instant.now());
        long converted = System.nanoTime() + offset;
        assertTrue(Math.abs(converted - wall) < 50 * MS, "converted " + converted + " vs wall " + wall);
    }

    private static long gcId(long begin, long end) {
        Optional<JfrPause> p = GcIdJoin.best(PAUSES, begin, end);
        return p.orElseThrow(() -> new AssertionError("not joined: [" + begin + ", " + end + "]")).gcId();
    }
}
