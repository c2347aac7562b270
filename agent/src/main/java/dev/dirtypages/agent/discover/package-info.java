/**
 * Heap discovery: where the Java heap's reserved range lies and which collector manages it.
 *
 * <p>{@link dev.dirtypages.agent.discover.HeapLocator#locate()} asks the JVM itself: the collector from the
 * {@code Use*GC} VM flags (the {@code GarbageCollectorMXBean} names when a flag is hidden), the range from
 * the diagnostic command {@code GC.heap_info} (DiagnosticCommand MBean operation {@code gcHeapInfo}), which
 * prints the reserved range for G1, Parallel, Serial and Shenandoah on JDK 17 and 25 and costs ~0.1 ms. The
 * range is then checked against {@code /proc/self/maps}: every byte of it must be mapped. It is never
 * <em>found</em> in the maps: the heap's reservation can merge with its neighbours (the class space after
 * it) and can hold file mappings (G1's CDS archived heap regions from {@code classes.jsa}), so a mapping's
 * size or boundaries say nothing reliable about the heap.
 *
 * <p>{@code VM.info} ({@code vmInfo}) is the fallback, for Epsilon and for formats the parsers do not
 * know: its {@code Heap address: ..., size: N MB} line is printed only while compressed oops are on, it
 * costs 4-30 ms, and it grows with the heap (G1 and Shenandoah list every region).
 *
 * <p>ZGC is reported as not supported: on JDK 17 its heap is one memfd mapped at three addresses at once;
 * generational ZGC (JDK 21+, the only ZGC on 24+) maps a memfd once, but maps and unmaps it at run time.
 *
 * <p>The parsers ({@link dev.dirtypages.agent.discover.GcHeapInfoParser},
 * {@link dev.dirtypages.agent.discover.VmInfoParser}, {@link dev.dirtypages.agent.discover.ByteSizes},
 * {@link dev.dirtypages.agent.discover.HeapMapsCheck}) are kept apart from the I/O
 * ({@link dev.dirtypages.agent.discover.PlatformIntrospection}) and tested on text captured from real JVMs
 * (test resources, recaptured with the test class {@code CaptureFixtures}).
 */
package dev.dirtypages.agent.discover;
