package dev.dirtypages.kernel.gcpause;

import dev.dirtypages.kernel.AddressRange;
import com.sun.jna.Memory;
import dev.dirtypages.kernel.Errno;
import dev.dirtypages.kernel.KernelException;
import java.util.ArrayList;
import java.util.List;

/**
 * Scans at the start and at the end of every garbage-collection pause, made by the GC-pause library inside the
 * pause, and drained here afterwards. Set the ranges to scan ({@link #ranges}) before the pauses that should
 * scan them; {@link #await} and {@link #drain} from one thread.
 *
 * <p>Each scan write-protects what it reports ({@code PM_SCAN_WP_MATCHING}), so a page written once is reported
 * once, by the pause scan or by a Java scan of the same memory, whichever reaches it first.
 */
public final class GcPauseScans {
    private final int maxRanges;
    private final long maxRegions;
    private final int maxRecords;
    private final Memory rangeBuffer;
    private final Memory recordBuffer;
    private final Memory regionBuffer;
    private final Memory counts = new Memory(3 * Long.BYTES);
    private volatile boolean stopped;

    private GcPauseScans(int maxRanges, long maxRegions, int maxRecords) {
        this.maxRanges = maxRanges;
        this.maxRegions = maxRegions;
        this.maxRecords = maxRecords;
        this.rangeBuffer = new Memory(2L * Long.BYTES * maxRanges);
        this.recordBuffer = new Memory((long) GcPauseBinding.RECORD_LONGS * Long.BYTES * maxRecords);
        this.regionBuffer = new Memory(GcPauseBinding.REGION_LONGS * Long.BYTES * maxRegions);
    }

    /**
     * Switches the scans on. The library must be loaded ({@link GcPauseLibrary#load}).
     *
     * @param maxRanges  the most armed ranges a pause scans
     * @param maxRegions the most written ranges the pauses between two drains may find (24 bytes each): beyond,
     *                   a scan stops, and what it did not reach stays written for the next
     * @param maxRecords the most scans between two drains: beyond, pauses are not scanned (and counted)
     * @param ranges     what the first pauses scan (see {@link #ranges})
     */
    public static GcPauseScans start(int maxRanges, long maxRegions, int maxRecords, List<AddressRange> ranges) {
        if (!GcPauseLibrary.load().ok()) {
            throw new IllegalStateException(GcPauseLibrary.load().problem());
        }
        GcPauseScans scans = new GcPauseScans(maxRanges, maxRegions, maxRecords);
        int count = scans.fill(ranges);
        int result = GcPauseBinding.dpgc_start(maxRanges, maxRegions, maxRecords, scans.rangeBuffer, count);
        if (result < 0) {
            throw new KernelException("starting the GC-pause scans", -result, "");
        }
        if (result > 0) {
            throw new KernelException("enabling the JVMTI GC events", 0, "JVMTI error " + result);
        }
        return scans;
    }

    /**
     * Sets the ranges the next pauses scan, page-aligned. The scans of those pauses carry the version this returns
     * ({@link PauseScan#rangesVersion}): {@link #start}'s ranges are version 0, each call here the next.
     */
    public long ranges(List<AddressRange> ranges) {
        int n = fill(ranges);
        long version = GcPauseBinding.dpgc_set_ranges(rangeBuffer, n);
        if (version < 0) {
            throw new IllegalStateException("the GC-pause scans are not started");
        }
        return version;
    }

    private int fill(List<AddressRange> ranges) {
        if (ranges.size() > maxRanges) {
            throw new IllegalArgumentException(ranges.size() + " ranges, more than the " + maxRanges
                    + " a pause scans");
        }
        for (int i = 0; i < ranges.size(); i++) {
            rangeBuffer.setLong(16L * i, ranges.get(i).start());
            rangeBuffer.setLong(16L * i + 8, ranges.get(i).end());
        }
        return ranges.size();
    }

    /** Held: pauses are recorded but not scanned, so every written page stays WRITTEN. */
    public void held(boolean held) {
        GcPauseBinding.dpgc_set_held(held ? 1 : 0);
    }

    /** Marks a scan from Java as under way ({@code true}) or done: a pause meanwhile is flagged overlapped. */
    public void javaScan(boolean begins) {
        GcPauseBinding.dpgc_java_scan(begins ? 1 : -1);
    }

    /** Waits up to {@code millis} for a pause to end; true if one did (or {@link #stop} was called). */
    public boolean await(int millis) {
        return GcPauseBinding.dpgc_await(millis) != 0;
    }

    /** What the pauses scanned since the last drain. */
    public record Drained(List<PauseScan> scans, long skippedPauses) {
    }

    /** Takes every complete scan out of the library's buffers (a pause in progress stays for the next drain). */
    public Drained drain() {
        int result = GcPauseBinding.dpgc_drain(recordBuffer, maxRecords, regionBuffer, maxRegions, counts);
        if (result < 0) {
            throw new KernelException("draining the GC-pause scans", -result, Errno.name(-result));
        }
        int records = (int) counts.getLong(0);
        long skipped = counts.getLong(16);
        List<PauseScan> scans = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            long base = (long) i * GcPauseBinding.RECORD_LONGS * Long.BYTES;
            long[] r = recordBuffer.getLongArray(base, GcPauseBinding.RECORD_LONGS);
            long first = r[4];
            int count = (int) r[5];
            long[] ranges = new long[2 * count];
            for (int k = 0; k < count; k++) {
                long at = (first + k) * GcPauseBinding.REGION_LONGS * Long.BYTES;
                ranges[2 * k] = regionBuffer.getLong(at);
                ranges[2 * k + 1] = regionBuffer.getLong(at + 8);
            }
            long flags = r[7];
            scans.add(new PauseScan(r[0] == 1 ? PauseScan.Kind.START : PauseScan.Kind.END, r[1], r[2], r[3], ranges,
                    r[6], (flags & 1) != 0, (flags & 4) != 0, (flags & 8) != 0, (int) r[8], r[9], r[11]));
        }
        return new Drained(scans, skipped);
    }

    /** Switches the scans off (the pauses after this are not scanned) and wakes {@link #await}. */
    public void stop() {
        if (!stopped) {
            stopped = true;
            GcPauseBinding.dpgc_stop();
        }
    }

    public boolean stopped() {
        return stopped;
    }
}
