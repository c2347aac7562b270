package dev.dirtypages.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.uffd.Userfaultfd;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The VmFlags of this process's own VMAs, on the real kernel. */
@EnabledIfUserfaultfd
class ProcSmapsTest {
    private static final long P = Pages.SIZE;

    @Test
    void showsWhichPartOfARangeAUserfaultfdRegistered() {
        try (AnonymousMapping m = TestMemory.smallPages(12); Userfaultfd uffd = Userfaultfd.openForWriteTracking()) {
            assertTrue(ProcSmaps.userfaultfdRegistered(ProcSmaps.flagsSelf(), m.address(), m.end()).isEmpty());
            uffd.register(m.address() + 4 * P, m.address() + 8 * P);
            List<long[]> registered = ProcSmaps.userfaultfdRegistered(ProcSmaps.flagsSelf(), m.address(), m.end());
            assertEquals(1, registered.size());
            assertArrayEquals(new long[] {m.address() + 4 * P, m.address() + 8 * P}, registered.get(0));
            uffd.unregister(m.address() + 4 * P, m.address() + 8 * P);
            assertTrue(ProcSmaps.userfaultfdRegistered(ProcSmaps.flagsSelf(), m.address(), m.end()).isEmpty());
        }
    }
}
