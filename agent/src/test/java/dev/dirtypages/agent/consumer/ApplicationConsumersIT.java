package dev.dirtypages.agent.consumer;

import dev.dirtypages.agent.sample.ScanTrigger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.agent.testing.Recordings;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumers in a real JVM, reached the way an application reaches them (the platform MBean), beside the JFR
 * timer: two consumers with different schedules each get every page written in their epoch and no page of the
 * quiet block that was not; one that comes back only at the end holds at most its bound and misses nothing;
 * and the JFR recording still reports every page written.
 */
@EnabledIfUserfaultfd
class ApplicationConsumersIT {
    private static final int ROUNDS = 12;

    @TempDir
    Path dir;

    /**
     * Also with scans inside GC pauses ({@code gcepochs=true}), and a young collection after every round's writes:
     * the pages a pause re-armed reach the consumers too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "gcepochs"})
    void consumersWithTheirOwnSchedulesAndTheJfrTimerStealNothingFromEachOther(String variant) throws Exception {
        Path jfr = dir.resolve("consumers.jfr");
        boolean epochs = variant.equals("gcepochs");
        ChildJvm child = ChildJvm.in(dir).args("-XX:+UseG1GC", "-XX:-UseCompressedOops", "-Xms256m", "-Xmx256m");
        if (epochs) {
            child.args("-Xmn16m");   // a forced young collection comes quickly
        }
        ChildJvm.Result run = child
                .agent("interval=50ms,file=" + jfr + ",maxranges=1000000,arming=plain" + (epochs ? ",gcepochs=true" : ""))
                .args("-cp", ChildJvm.testClasses().toString(), "dev.dirtypages.agent.testapp.ConsumerApp",
                        String.valueOf(ROUNDS), "200", "180", "11", epochs ? "young-gc" : "")
                .run();
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("STATE tracking"), run.toString());
        assertFalse(run.stdout().contains("MOVED"), "the block moved: the ground truth is void\n" + run);

        Map<String, Integer> checks = new TreeMap<>();
        long firstPage = 0;
        int pages = 0;
        Set<Integer> written = new TreeSet<>();
        for (String line : run.stdout().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("BLOCK")) {
                firstPage = Long.parseLong(f[1]);
                pages = Integer.parseInt(f[2]);
            } else if (f[0].equals("ROUND")) {
                for (int i = 2; i < f.length; i++) {
                    written.add(Integer.parseInt(f[i]));
                }
            } else if (f[0].equals("CHECK")) {
                checks.merge(f[1], 1, Integer::sum);
                assertTrue(line.contains(" missing=0 "), "a written page was not reported: " + line);
                if (!f[1].equals("never")) {
                    assertTrue(line.endsWith(" extra=0") && line.contains(" coarsened=0 "),
                            "a consumer was told of a page not written in its epoch: " + line);
                } else {
                    int count = Integer.parseInt(f[3].substring("count=".length()));
                    assertTrue(count <= 8, "the consumer that never came back holds more than its bound: " + line);
                    assertTrue(Long.parseLong(f[4].substring("coarsened=".length())) > 0,
                            "trading precision for the bound is said: " + line);
                }
            }
        }
        assertEquals(Map.of("fast", ROUNDS, "slow", ROUNDS / 3, "never", 1), checks, run.toString());

        // The JFR events are unaffected: together they report every page written, and the timer kept scanning.
        Set<Integer> recorded = new TreeSet<>();
        for (Recordings.Scan s : Recordings.scans(jfr, firstPage, firstPage + pages * 4096L)) {
            recorded.addAll(s.pages());
        }
        List<Integer> missing = new ArrayList<>(written);
        missing.removeAll(recorded);
        assertTrue(missing.isEmpty(), "pages the recording lacks: " + missing);
        Map<String, Integer> triggers = new TreeMap<>();
        for (RecordedEvent e : Recordings.events(jfr, "dirtypages.Scan")) {
            triggers.merge(e.getString("trigger"), 1, Integer::sum);
        }
        assertTrue(triggers.getOrDefault("timer", 0) >= ROUNDS, triggers.toString());
        assertTrue(triggers.getOrDefault(ScanTrigger.CONSUMER.eventName(), 0) >= ROUNDS + ROUNDS / 3 + 1, triggers.toString());
        if (epochs) {
            // The pause scans start a second or so after the agent (once the JDK's pause events stream).
            assertTrue(triggers.getOrDefault("gc-start", 0) >= ROUNDS / 2, "the pauses were scanned: " + triggers);
        }
    }
}
