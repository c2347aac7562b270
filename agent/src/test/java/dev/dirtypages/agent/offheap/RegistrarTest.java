package dev.dirtypages.agent.offheap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dirtypages.agent.offheap.Registrar.Step;
import dev.dirtypages.kernel.proc.Mapping;
import dev.dirtypages.kernel.proc.MapsParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the registrar registers for the unregistered stretches of fresh blocks, decided from the mappings alone:
 * on /proc/self/maps lines captured from a JDK 17 process holding an 8 MiB direct buffer (its own mapping) and a
 * 1000-byte one (in a malloc arena's heap, followed by the arena's reserved, inaccessible rest).
 */
class RegistrarTest {
    private static final List<Mapping> MAPS = MapsParser.parse(String.join("\n",
            "7fea98021000-7fea9c000000 ---p 00000000 00:00 0 ",
            "7fea9c69e000-7fea9ce9f000 rw-p 00000000 00:00 0 ",
            "7fea9ce9f000-7fea9cea0000 ---p 00000000 00:00 0 ",
            "7feabffa9000-7feac0000000 r--p 00000000 fe:00 329635                     /usr/lib/locale/C.utf8/LC_CTYPE",
            "7feac0000000-7feac016f000 rw-p 00000000 00:00 0 ",
            "7feac016f000-7feac4000000 ---p 00000000 00:00 0 ",
            ""));

    private static Span span(long start, long end) {
        return new Span(start, end);
    }

    @Test
    void aStretchOfAnAnonymousWritableMappingRegistersTheWholeMappingWithTheStretchToFallBackOn() {
        Span buffer = span(0x7fea9c69e000L, 0x7fea9ce9f000L - 0x1000);
        assertEquals(List.of(new Step(span(0x7fea9c69e000L, 0x7fea9ce9f000L), buffer)),
                Registrar.plan(MAPS, List.of(buffer)));
    }

    @Test
    void severalStretchesOfOneMappingRegisterItOnce() {
        Span a = span(0x7feac0161000L, 0x7feac0162000L);
        Span b = span(0x7feac0165000L, 0x7feac0167000L);
        assertEquals(List.of(new Step(span(0x7feac0000000L, 0x7feac016f000L), a)), Registrar.plan(MAPS, List.of(a, b)));
    }

    @Test
    void whatIsNotAPrivateAnonymousWritableMappingIsRegisteredOnlyWhereTheStretchCoversIt() {
        // Across the end of the arena's heap into its reserved rest, and a stretch of a file mapping.
        Span across = span(0x7feac016e000L, 0x7feac0171000L);
        Span file = span(0x7feabfffe000L, 0x7feabffff000L);
        assertEquals(List.of(new Step(span(0x7feabfffe000L, 0x7feabffff000L), null),
                        new Step(span(0x7feac0000000L, 0x7feac016f000L), span(0x7feac016e000L, 0x7feac016f000L)),
                        new Step(span(0x7feac016f000L, 0x7feac0171000L), null)),
                Registrar.plan(MAPS, List.of(file, across)));
    }

    @Test
    void aStretchNoMappingHoldsPlansNothing() {
        assertEquals(List.of(), Registrar.plan(MAPS, List.of(span(0x1000, 0x2000))));
    }
}
