package dev.dirtypages.agent.options;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Every option the agent takes: its key, default and meaning. This is the one list; the parser's
 * messages and docs/options.md follow it (a test checks the document names each key).
 */
public enum Option {
    INTERVAL("interval", "1s", "How often tracked memory is scanned and re-armed: a number with a unit "
            + "(ms, s, m), from 10ms to 1h."),
    REGIONS("regions", "all", "What to track, joined with '+': heap, direct, unsafe, arena, or all of them. Empty "
            + "(regions=) tracks nothing."),
    FILE("file", "(none)", "Start a recording of the dirtypages events and write it to this .jfr file at exit. "
            + "Without it the events go to the recordings the user starts (-XX:StartFlightRecording, JMC)."),
    LOG("log", "info", "What the agent prints on stderr: off, error, warn, info or debug."),
    MAX_RANGES("maxranges", "10000", "The most dirtypages.DirtyRange events one scan emits; the ranges left out "
            + "are counted in dirtypages.Scan. 0 emits none."),
    MERGE("merge", "0", "Report written ranges separated by at most this gap as one range (bytes, or with a "
            + "unit k, m, g). 0 reports ranges exactly."),
    CHANNEL("channel", "(none)", "Open the snapshot channel (docs/channel.md): a Unix domain socket "
            + "dirtypages-<pid>.sock in this directory, which only its owner may enter (created with mode 0700 if "
            + "missing). Off by default."),
    ARMING("arming", "collector", "How scans arm the heap: collector measures old and humongous memory and "
            + "reports young memory (G1 eden and survivor, the Parallel and Serial young generation) written without "
            + "measuring it, leaving it and G1's free regions unarmed (Shenandoah: as plain); plain write-protects every "
            + "written page again, so every scan measures; adaptive leaves a stripe that assumeafter scans in a row "
            + "found written in full unarmed for assumefor scans, reporting it written (assumed, not measured) "
            + "meanwhile. No mode misses a written page. Off-heap blocks are always measured."),
    STRIPE("stripe", "2m", "The unit adaptive arming decides on: a power of two from 4k to 1g. Ignored with "
            + "the other arming modes."),
    ASSUME_AFTER("assumeafter", "3", "Adaptive arming: how many scans in a row must find a stripe written in full "
            + "before it is assumed written (1 to 1000). Ignored with the other arming modes."),
    ASSUME_FOR("assumefor", "10", "Adaptive arming: how many scans a stripe then stays assumed written before it is "
            + "armed and measured again (1 to 1000), doubling while it stays hot, up to 4 times. Ignored with "
            + "the other arming modes."),
    GC_EPOCHS("gcepochs", "false", "true: scan the heap also at the start and at the end of every garbage-collection "
            + "pause, inside the pause, so that what the mutator wrote and what the collector wrote are told apart "
            + "(dirtypages.GcWrites); lengthens pauses. Needs the agent's small JVMTI library.");

    private final String key;
    private final String defaultValue;
    private final String description;

    Option(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** {@code "interval, regions, file, ..."}: for messages that name the valid options. */
    public static String validKeys() {
        return Arrays.stream(values()).map(Option::key).collect(Collectors.joining(", "));
    }
}
