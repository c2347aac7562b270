package dev.dirtypages.benchmarks;

import static dev.dirtypages.benchmarks.PagemapReader.PM_PRESENT;

import com.sun.jna.Pointer;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.mman.MmanBinding;
import dev.dirtypages.kernel.pagemap.PagemapScanner;
import dev.dirtypages.kernel.pagemap.RegionVisitor;
import dev.dirtypages.kernel.pagemap.ScanQuery;
import dev.dirtypages.kernel.track.CollectResult;
import dev.dirtypages.kernel.track.RepairListener;
import dev.dirtypages.kernel.track.WriteTracker;
import dev.dirtypages.kernel.uffd.Userfaultfd;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one collection costs per GiB of tracked memory: {@code PAGEMAP_SCAN} with {@code WP_MATCHING}
 * (report the written pages and re-arm them in one ioctl, {@link WriteTracker#collect}), beside getting
 * the same answer from {@code pread} of {@code /proc/self/pagemap} (8 bytes a page, bit 57
 * {@code PM_UFFD_WP} clear = written), alone and followed by the {@code UFFDIO_WRITEPROTECT} it needs to
 * re-arm: of the whole range, or of each written run it found.
 *
 * <p>The tracked memory is an anonymous private mapping of {@link #gib} GiB in 4 KiB pages
 * ({@code MADV_NOHUGEPAGE}), every page populated (written once) before it is registered and armed.
 * Before each invocation, outside the measured time, {@link #dirtiness} pages are written: none,
 * every 100th page (1%, each its own region), or every page. Those first writes to armed pages are
 * the application's cost (a minor fault each), not the collector's, so they are not measured.
 *
 * <p>{@link #scanOnly} and {@link #pread} do not re-arm: after their first invocation the dirty
 * pages stay written and the setup's writes no longer fault, which does not change what they read.
 * Each iteration ends by checking that the last answer was the expected number of written pages.
 *
 * <p>A {@code pread} followed by {@code UFFDIO_WRITEPROTECT} is not atomic: a page written between the
 * two is re-armed unreported, a lost write. It is here for its cost only; {@code PAGEMAP_SCAN} with
 * {@code WP_MATCHING} reports and re-arms each page under the page-table lock.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ScanRearmBenchmark -p gib=1,4</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class ScanRearmBenchmark {
    /** Entries per {@code pread}: 256 KiB of buffer, 128 MiB of address space a call. */
    static final int PREAD_PAGES = 32 * 1024;

    /**
     * At most this many regions a read-only {@code PAGEMAP_SCAN} asks for at once. Linux (seen on 6.18)
     * collects regions in a kernel buffer of 512 ({@code PAGEMAP_WALK_SIZE >> PAGE_SHIFT}) and flushes it
     * as often as it fills within one ioctl; {@code walk_end} then keeps the address of the last flush
     * even when the walk went on to the end of the range, so a caller resuming from {@code walk_end}
     * is handed the tail again. With {@code vec_len <= 512} the only flush ends the ioctl and
     * {@code walk_end} is right. (With {@code WP_MATCHING} the tail is already re-armed, so the extra
     * ioctl finds nothing: a wasted walk, not a wrong answer.)
     */
    static final int READ_ONLY_SCAN_CAPACITY = 512;

    /** Size of the tracked mapping in GiB. */
    @Param({"1"})
    public int gib;

    /** Which pages are written between two collections: none, every 100th, every one. */
    @Param({"clean", "1pct", "full"})
    public String dirtiness;

    /** Regions per {@code PAGEMAP_SCAN} call of the tracker ({@code PagemapScanner.DEFAULT_CAPACITY} by default). */
    @Param({"1024"})
    public int scanCapacity;

    private AnonymousMapping mapping;
    private WriteTracker tracker;
    private PagemapScanner readOnlyScanner;
    private PagemapReader pagemap;
    private WriteProtect writeProtect;
    private Pointer memory;
    private long start;
    private long end;
    private long pages;
    /** Pages between two written pages; 0 for none. */
    private long stride;
    private long expectedWritten;
    private byte generation;
    private long lastAnswer = -1;
    private final Tally tally = new Tally();
    /** Re-arms each written run as the pagemap read reports it. */
    private final RegionVisitor tallyAndRearm = (runStart, runEnd, categories) -> {
        tally.visit(runStart, runEnd, categories);
        writeProtect.arm(runStart, runEnd);
    };

    /** Counts what a scan or a read reports, as a real consumer would look at every region. */
    static final class Tally implements RegionVisitor {
        long regions;
        long pages;

        @Override
        public void visit(long start, long end, long categories) {
            regions++;
            pages += (end - start) / Pages.SIZE;
        }

        void reset() {
            regions = 0;
            pages = 0;
        }
    }

    @Setup(Level.Trial)
    public void mapPopulateAndArm() {
        long length = (long) gib << 30;
        mapping = AnonymousMapping.readWrite(length);
        mapping.advise(0, length, MmanBinding.MADV_NOHUGEPAGE);
        start = mapping.address();
        end = mapping.end();
        pages = length / Pages.SIZE;
        memory = new Pointer(start);
        for (long p = 0; p < pages; p++) {
            memory.setByte(p * Pages.SIZE, (byte) 1);
        }
        switch (dirtiness) {
            case "clean":
                stride = 0;
                expectedWritten = 0;
                break;
            case "1pct":
                stride = 100;
                expectedWritten = (pages + stride - 1) / stride;
                break;
            case "full":
                stride = 1;
                expectedWritten = pages;
                break;
            default:
                throw new IllegalArgumentException("dirtiness must be clean, 1pct or full: " + dirtiness);
        }
        tracker = new WriteTracker(Userfaultfd.openForWriteTracking(), PagemapScanner.openSelf(scanCapacity));
        tracker.track(start, end);
        readOnlyScanner = PagemapScanner.openSelf(Math.min(scanCapacity, READ_ONLY_SCAN_CAPACITY));
        pagemap = new PagemapReader(PREAD_PAGES);
        writeProtect = new WriteProtect(tracker.userfaultfd().fd());
        long present = pagemap.countWithAll(start, end, PM_PRESENT);
        if (present != pages) {
            throw new IllegalStateException(present + " of " + pages + " pages are populated after touching them all");
        }
        long armed = pagemap.countWithAll(start, end, PagemapReader.PM_UFFD_WP);
        if (armed != pages) {
            throw new IllegalStateException(armed + " of " + pages + " pages are armed after tracking the range");
        }
    }

    @Setup(Level.Invocation)
    public void writeDirtyPages() {
        if (stride == 0) {
            return;
        }
        byte value = ++generation;
        long step = stride * Pages.SIZE;
        long length = end - start;
        for (long offset = 0; offset < length; offset += step) {
            memory.setByte(offset, value);
        }
    }

    /** One collection: report the written pages and re-arm them, {@code PAGEMAP_SCAN} with WP_MATCHING. */
    @Benchmark
    public long scanAndRearm() {
        tally.reset();
        CollectResult result = tracker.collect(start, end, tally, RepairListener.NONE);
        return answer(result.pages());
    }

    /** The reading half alone: {@code PAGEMAP_SCAN} for written pages without re-arming them. */
    @Benchmark
    public long scanOnly() {
        tally.reset();
        return answer(readOnlyScanner.scan(start, end, ScanQuery.WRITTEN, tally).pages());
    }

    /** The same answer from {@code pread} of {@code /proc/self/pagemap}, with no re-arm. */
    @Benchmark
    public long pread() {
        tally.reset();
        return answer(pagemap.visitWritten(start, end, tally));
    }

    /** {@code pread} the answer, then re-arm the whole range with one {@code UFFDIO_WRITEPROTECT}. */
    @Benchmark
    public long preadThenWriteProtectRange() {
        tally.reset();
        long written = pagemap.visitWritten(start, end, tally);
        writeProtect.arm(start, end);
        return answer(written);
    }

    /** {@code pread} the answer, re-arming each written run with its own {@code UFFDIO_WRITEPROTECT}. */
    @Benchmark
    public long preadThenWriteProtectRuns() {
        tally.reset();
        return answer(pagemap.visitWritten(start, end, tallyAndRearm));
    }

    private long answer(long written) {
        lastAnswer = written;
        return written + tally.regions;
    }

    @TearDown(Level.Iteration)
    public void checkAnswer() {
        if (lastAnswer != expectedWritten || tally.pages != expectedWritten) {
            throw new IllegalStateException(String.format(
                    "%s %d GiB: last answer %d written pages (visitor saw %d in %d regions), expected %d",
                    dirtiness, gib, lastAnswer, tally.pages, tally.regions, expectedWritten));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (writeProtect != null) {
            writeProtect.close();
        }
        if (pagemap != null) {
            pagemap.close();
        }
        if (readOnlyScanner != null) {
            readOnlyScanner.close();
        }
        if (tracker != null) {
            tracker.close();
        }
        if (mapping != null) {
            mapping.close();
        }
    }
}
