package dev.dirtypages.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.kernel.Pages;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.mman.MmanBinding;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Reading this process's own maps, on the real kernel. */
@EnabledOnOs(OS.LINUX)
class ProcMapsTest {
    private static final long P = Pages.SIZE;

    @Test
    void showsAMappingSplitByMprotectAsThreeVmas() {
        try (AnonymousMapping m = AnonymousMapping.readWrite(12 * P)) {
            m.protect(4 * P, 4 * P, MmanBinding.PROT_NONE);
            List<Mapping> vmas = ProcMaps.overlapping(ProcMaps.self(), m.address(), m.end());
            assertEquals(3, vmas.size(), () -> vmas.stream().map(Mapping::toString).collect(Collectors.joining("\n")));
            // Neighbours of the same kind may merge with our outer parts: check the parts, not the exact ends.
            assertTrue(vmas.get(0).contains(m.address()) && vmas.get(0).end() == m.address() + 4 * P);
            assertEquals(new Mapping(m.address() + 4 * P, m.address() + 8 * P, "---p", 0, "00:00", 0, ""), vmas.get(1));
            assertTrue(vmas.get(2).start() == m.address() + 8 * P && vmas.get(2).contains(m.end() - 1));
            assertEquals("rw-p", vmas.get(0).permissions());
            assertTrue(vmas.get(1).reserved() && vmas.get(1).anonymous());
        }
    }

    @Test
    void readsAnotherProcessByPidTheSameWay() {
        int pid = (int) ProcessHandle.current().pid();
        try (AnonymousMapping m = AnonymousMapping.readWrite(3 * P)) {
            List<Mapping> byPid = ProcMaps.overlapping(ProcMaps.of(pid), m.address(), m.end());
            assertFalse(byPid.isEmpty());
            assertTrue(byPid.get(0).contains(m.address()));
            assertTrue(ProcMaps.countSelf() > 0);
        }
    }

    @Test
    void reportsAnUnreadableMapsFileWithItsPath() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ProcMaps.of(Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("/proc/" + Integer.MAX_VALUE + "/maps"), e.getMessage());
    }

    @Test
    void readsNothingFromAnAbsentFile() {
        assertTrue(ProcFiles.readText("/proc/self/no-such-file-dirtypages").isEmpty());
        assertTrue(ProcFiles.readText("/proc/self/status").orElseThrow().contains("VmRSS"));
    }
}
