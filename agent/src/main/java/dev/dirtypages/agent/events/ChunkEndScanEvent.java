package dev.dirtypages.agent.events;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;

/**
 * JFR's last word in a chunk: its hook scans at once, so that a chunk (and the recording written at
 * exit) holds the writes up to its very end, whatever order the shutdown hooks run in.
 */
@Name("dirtypages.ChunkEndScan")
@Label("Chunk End Scan")
@Description("A scan made when a chunk ends, so that the chunk holds the writes up to its end.")
@Period("endChunk")
public final class ChunkEndScanEvent extends DirtyPagesEvent {
    @Label("Scan Id")
    @Description("The scan made for the chunk's end; 0 when tracking is off or a snapshot tool's freeze held scanning.")
    public long scanId;
}
