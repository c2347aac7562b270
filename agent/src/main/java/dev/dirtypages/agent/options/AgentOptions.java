package dev.dirtypages.agent.options;

import dev.dirtypages.agent.log.LogLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The agent's options, parsed once by {@link OptionsParser} and immutable after. See
 * {@link Option} for what each means and docs/options.md for the table users read.
 *
 * @param interval       how often the tracked regions are scanned and re-armed
 * @param regions        what to track
 * @param file           where the agent's own recording is written at exit; empty: events go to the
 *                       recordings the user starts
 * @param log            how much to say on stderr
 * @param maxRanges      the most {@code dirtypages.DirtyRange} events per scan (the rest are counted)
 * @param mergeGapBytes  neighbouring written ranges at most this far apart are reported as one (0: exact)
 * @param channel        the directory of the snapshot channel's socket; empty: no channel
 * @param arming         how scans re-arm the heap: collector, plain or adaptive
 * @param gcEpochs       whether the heap is also scanned at the start and end of every collection pause
 */
public record AgentOptions(Duration interval, Set<RegionKind> regions, Optional<Path> file, LogLevel log,
                           int maxRanges, long mergeGapBytes, Optional<Path> channel,
                           ArmingPolicy arming, boolean gcEpochs) {
    public AgentOptions {
        regions = Set.copyOf(regions);
    }

    /** The options with nothing given. */
    public static AgentOptions defaults() {
        return new AgentOptions(Duration.ofSeconds(1), EnumSet.allOf(RegionKind.class), Optional.empty(), LogLevel.INFO,
                10_000, 0, Optional.empty(), ArmingPolicy.COLLECTOR, false);
    }

    /** The options as {@code key=value,...}, in the syntax they are given in (for the status event). */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append("interval=").append(OptionsParser.formatDuration(interval));
        out.append(",regions=");
        boolean first = true;
        if (regions.containsAll(EnumSet.allOf(RegionKind.class))) {
            out.append(RegionKind.ALL);
            first = false;
        }
        for (RegionKind kind : first ? RegionKind.values() : new RegionKind[0]) {
            if (regions.contains(kind)) {
                out.append(first ? "" : "+").append(kind.optionName());
                first = false;
            }
        }
        file.ifPresent(f -> out.append(",file=").append(f));
        out.append(",log=").append(log.name().toLowerCase(java.util.Locale.ROOT));
        out.append(",maxranges=").append(maxRanges);
        out.append(",merge=").append(mergeGapBytes);
        channel.ifPresent(c -> out.append(",channel=").append(c));
        out.append(',').append(arming.describe());
        if (gcEpochs) {
            out.append(",gcepochs=true");   // like file= and channel=: only when not the default
        }
        return out.toString();
    }
}
