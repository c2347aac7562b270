package dev.dirtypages.kernel.pagemap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.BitSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A scan with far more regions than one ioctl returns. Asked for more than 512 regions at once, the 6.18
 * kernel leaves {@code walk_end} short of a walk that did reach the end, and resuming there would report
 * the tail twice; the scanner asks for at most 512 per call, so each page comes exactly once.
 */
@EnabledIfUserfaultfd
class ManyRegionsScanTest {
    private static final int PAGES = 8192;

    @ParameterizedTest
    @ValueSource(ints = {1, 511, 512, 513, 1024, 4096})
    void aReadOnlyScanReportsEachOfThousandsOfRegionsOnce(int capacity) {
        try (AnonymousMapping m = TestMemory.smallPages(PAGES);
             WriteTracker tracker = WriteTracker.open();
             PagemapScanner scanner = PagemapScanner.openSelf(capacity)) {
            tracker.track(m.address(), m.end());
            BitSet written = new BitSet();
            for (int p = 0; p < PAGES; p += 3) {         // 2731 separate one-page regions
                written.set(p);
            }
            TestMemory.writePages(m, written, (byte) 1);

            BitSet reported = new BitSet();
            long[] reports = new long[1];
            ScanResult result = scanner.scan(m.address(), m.end(), ScanQuery.WRITTEN, (s, e, c) -> {
                for (long a = s; a < e; a += Pages.SIZE) {
                    reports[0]++;
                    reported.set(TestMemory.pageOf(m, a));
                }
            });
            assertEquals(written, reported);
            assertEquals(written.cardinality(), reports[0], "a page was reported more than once");
            assertEquals(written.cardinality(), result.pages());
            assertEquals(m.end(), result.walkEnd());
        }
    }
}
