package dev.dirtypages.agent.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dirtypages.kernel.mman.AnonymousMapping;
import dev.dirtypages.kernel.mman.MmanBinding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Where Parallel and Serial keep their generations, and what a scan of them is told, on a real reservation. */
@EnabledOnOs(value = OS.LINUX, disabledReason = "reads /proc/self/maps")
class GenerationalLayoutTest {
    private static final long P = 4096;

    private static List<String> spans(GenerationalLayout layout, long base, long start, long end) {
        List<String> out = new ArrayList<>();
        layout.forEachSpan(start, end, false, (s, e, kind, treatment) ->
                out.add((s - base) / P + "-" + (e - base) / P + " " + kind.eventName() + " " + treatment));
        return out;
    }

    @Test
    void parallelKeepsItsYoungGenerationOnTopAndOnlyItsCommittedPartIsAssumed() {
        try (AnonymousMapping heap = AnonymousMapping.reserve(64 * P)) {
            heap.protect(48 * P, 8 * P, MmanBinding.PROT_READ | MmanBinding.PROT_WRITE); // young: 48..63, committed 48..55
            heap.protect(0, 20 * P, MmanBinding.PROT_READ | MmanBinding.PROT_WRITE);     // old, committed 0..19
            GenerationalLayout layout = GenerationalLayout.parallel(heap.address(), heap.end(), 16 * P);
            assertEquals(List.of("0-48 old MEASURE", "48-56 young ASSUME"), spans(layout, heap.address(), heap.address(),
                    heap.end()));
        }
    }

    @Test
    void serialKeepsItsYoungGenerationAtTheBottom() {
        try (AnonymousMapping heap = AnonymousMapping.reserve(64 * P)) {
            heap.protect(0, 24 * P, MmanBinding.PROT_READ | MmanBinding.PROT_WRITE); // young 0..15 whole, old from 16
            GenerationalLayout layout = GenerationalLayout.serial(heap.address(), heap.end(), 16 * P);
            assertEquals(List.of("0-16 young ASSUME", "16-64 old MEASURE"), spans(layout, heap.address(), heap.address(),
                    heap.end()));
            assertEquals(List.of("4-16 young ASSUME", "16-20 old MEASURE"),
                    spans(layout, heap.address(), heap.address() + 4 * P, heap.address() + 20 * P), "a part of the heap");
        }
    }
}
