package dev.dirtypages.agent.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The locator's decisions, on JVMs made of captured fixtures: which source, which problem, never a throw. */
class HeapLocatorTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk17-g1", "jdk17-g1-noshare", "jdk17-g1-xms16m-xmx512m", "jdk17-g1-nocoops", "jdk25-g1",
            "jdk25-g1-xms16m-xmx512m", "jdk25-g1-nocoops", "jdk17-parallel", "jdk17-parallel-xms16m-xmx512m",
            "jdk17-parallel-nocoops", "jdk17-parallel-xmx40g", "jdk25-parallel", "jdk25-parallel-xms16m-xmx512m",
            "jdk25-parallel-nocoops", "jdk25-parallel-xmx40g", "jdk17-serial", "jdk17-serial-xms16m-xmx512m",
            "jdk17-serial-nocoops", "jdk25-serial", "jdk25-serial-xms16m-xmx512m", "jdk25-serial-nocoops",
            "jdk17-shenandoah", "jdk17-shenandoah-xms16m-xmx512m", "jdk17-shenandoah-nocoops", "jdk25-shenandoah",
            "jdk25-shenandoah-generational", "jdk25-shenandoah-xms16m-xmx512m", "jdk25-shenandoah-nocoops"})
    void findsTheHeapFromGcHeapInfoAlone(String capture) {
        FakeJvm jvm = FakeJvm.of(capture);
        HeapDiscovery found = HeapLocator.locate(jvm);
        assertTrue(found.heap().isPresent(), found.problem());
        assertEquals("", found.problem());
        Collector collector = GcHeapInfoParserTest.collector(capture.split("-")[1]);
        assertEquals(collector.displayName, found.heap().get().collector());
        assertEquals(GcHeapInfoParser.parse(collector, Fixtures.gcHeapInfo(capture)), found.heap().get());
        assertEquals(List.of("gcHeapInfo"), jvm.commandsRun, "VM.info (4-30 ms) is not needed");
    }

    @Test
    void zgcOnJdk17IsNotSupported() {
        FakeJvm jvm = FakeJvm.of("jdk17-zgc");
        HeapDiscovery found = HeapLocator.locate(jvm);
        assertEquals(Optional.empty(), found.heap());
        assertEquals("ZGC's heap is a multi-mapped memfd (/memfd:java_heap, every page at three addresses); tracking it "
                + "is not supported; run with -XX:+UseG1GC (or -XX:+UseParallelGC, -XX:+UseSerialGC, "
                + "-XX:+UseShenandoahGC) to track the heap", found.problem());
        assertEquals(List.of(), jvm.commandsRun, "nothing asked of the MBean server");
    }

    @Test
    void generationalZgcIsNotSupported() {
        HeapDiscovery found = HeapLocator.locate(FakeJvm.of("jdk25-zgc"));
        assertEquals(Optional.empty(), found.heap());
        assertTrue(found.problem().startsWith("generational ZGC keeps its heap in a shared memfd (/memfd:java_heap)"),
                found.problem());
        assertTrue(found.problem().contains("not supported; run with -XX:+UseG1GC"), found.problem());

        FakeJvm jdk21 = FakeJvm.of("jdk17-zgc");
        jdk21.feature = 21;
        assertTrue(HeapLocator.locate(jdk21).problem().startsWith("ZGC's heap is a multi-mapped memfd"));
        jdk21.booleanFlags.put("ZGenerational", true);
        assertTrue(HeapLocator.locate(jdk21).problem().startsWith("generational ZGC"));
    }

    /** Epsilon's flag is hidden (experimental): the bean names tell; VM.info's line gives the range. */
    @Test
    void epsilonComesFromVmInfo() {
        for (String capture : new String[] {"jdk17-epsilon", "jdk25-epsilon"}) {
            FakeJvm jvm = FakeJvm.of(capture);
            HeapDiscovery found = HeapLocator.locate(jvm);
            assertEquals(Optional.of(new HeapRange(0xf0000000L, 0x100000000L, "Epsilon")), found.heap(), found.problem());
            assertEquals(List.of("vmInfo"), jvm.commandsRun);
        }
        HeapDiscovery noCoops = HeapLocator.locate(FakeJvm.of("jdk25-epsilon-nocoops"));
        assertEquals(Optional.empty(), noCoops.heap());
        assertTrue(noCoops.problem().startsWith("Epsilon's heap range is printed only in VM.info's 'Heap address' line"),
                noCoops.problem());
    }

    /** Without the flag API the bean names still tell the collector. */
    @Test
    void fallsBackToBeanNames() {
        FakeJvm jvm = FakeJvm.of("jdk25-serial");
        jvm.flagFailure = new IllegalStateException("this JVM has no HotSpotDiagnosticMXBean");
        assertEquals(Optional.of(new HeapRange(0xf0000000L, 0x100000000L, "Serial")), HeapLocator.locate(jvm).heap());

        FakeJvm unknown = FakeJvm.of("jdk17-g1");
        unknown.booleanFlags.clear();
        unknown.beanNames = List.of("ParNew", "ConcurrentMarkSweep");
        HeapDiscovery found = HeapLocator.locate(unknown);
        assertEquals(Optional.empty(), found.heap());
        assertTrue(found.problem().startsWith("the collector in use is not one dirtypages knows (garbage collector beans: "
                + "[ParNew, ConcurrentMarkSweep])"), found.problem());
    }

    /** A GC.heap_info format the parsers do not know: VM.info's line, while compressed oops are on. */
    @Test
    void fallsBackToVmInfoWhenGcHeapInfoIsNotUnderstood() {
        FakeJvm jvm = FakeJvm.of("jdk25-g1-xms16m-xmx512m");
        jvm.commands.put("gcHeapInfo", "garbage-first heap   a new format, [0xe0000000 .. 0x100000000]\n");
        HeapDiscovery found = HeapLocator.locate(jvm);
        assertEquals(Optional.of(new HeapRange(0xe0000000L, 0x100000000L, "G1")), found.heap(), found.problem());
        assertEquals(List.of("gcHeapInfo", "vmInfo"), jvm.commandsRun);

        FakeJvm noCoops = FakeJvm.of("jdk25-g1-nocoops");
        noCoops.commands.put("gcHeapInfo", "garbage-first heap   a new format\n");
        HeapDiscovery lost = HeapLocator.locate(noCoops);
        assertEquals(Optional.empty(), lost.heap());
        assertTrue(lost.problem().startsWith("cannot read the G1 heap's range on OpenJDK 64-Bit Server VM 25-fake: "
                + "GC.heap_info not understood (the 'garbage-first heap' line has no [address, ...) list)"), lost.problem());
        assertTrue(lost.problem().contains("jcmd <pid> GC.heap_info"), lost.problem());
    }

    @Test
    void refusesARangeTheMapsDoNotCover() {
        FakeJvm jvm = FakeJvm.of("jdk17-parallel-xms16m-xmx512m");
        jvm.commands.put("gcHeapInfo", Fixtures.gcHeapInfo("jdk17-parallel-nocoops")); // another JVM's range
        HeapDiscovery found = HeapLocator.locate(jvm);
        assertEquals(Optional.empty(), found.heap());
        assertTrue(found.problem().startsWith("the Parallel heap range read from the JVM, [0x7f1f85400000, "
                + "0x7f1f95400000), is wrong: [0x7f1f85400000, 0x7f1f95400000) is not mapped in /proc/self/maps"),
                found.problem());
    }

    @Test
    void trustsTheRangeWhenTheMapsCannotBeRead() {
        FakeJvm jvm = FakeJvm.of("jdk17-g1");
        jvm.maps = Optional.empty();
        assertEquals(Optional.of(new HeapRange(0xf0000000L, 0x100000000L, "G1")), HeapLocator.locate(jvm).heap());
    }

    @Test
    void missingDiagnosticCommandBeanIsAProblemLine() {
        FakeJvm jvm = FakeJvm.of("jdk17-g1");
        jvm.failingCommands.put("gcHeapInfo",
                new InstanceNotFoundException("com.sun.management:type=DiagnosticCommand"));
        HeapDiscovery found = HeapLocator.locate(jvm);
        assertEquals(Optional.empty(), found.heap());
        assertTrue(found.problem().startsWith("this JVM has no DiagnosticCommand MBean"), found.problem());
        assertTrue(found.problem().contains("jdk.management"), found.problem());
    }

    @Test
    void wrappedAndLinkageFailuresAreProblemLines() {
        FakeJvm direct = FakeJvm.of("jdk17-g1");
        direct.failingCommands.put("gcHeapInfo", new MBeanException(new IllegalStateException("boom\nsecond line")));
        HeapDiscovery wrapped = HeapLocator.locate(direct);
        assertEquals("cannot find the heap: java.lang.IllegalStateException: boom second line; the heap is not tracked; "
                + "please report this (OpenJDK 64-Bit Server VM 17-fake)", wrapped.problem());

        FakeJvm linkage = new FakeJvm() {
            @Override
            public List<String> garbageCollectorNames() {
                throw new NoClassDefFoundError("java/lang/management/ManagementFactory");
            }
        };
        HeapDiscovery found = HeapLocator.locate(linkage);
        assertEquals(Optional.empty(), found.heap());
        assertTrue(found.problem().startsWith("the java.management or jdk.management module is missing"), found.problem());
    }

    /** Whatever fails, locate returns a one-line problem. */
    @Test
    void neverThrows() {
        FakeJvm jvm = FakeJvm.of("jdk25-g1");
        jvm.everythingFails = new IllegalStateException("everything\r\nfails");
        HeapDiscovery found = HeapLocator.locate(jvm);
        assertEquals(Optional.empty(), found.heap());
        assertEquals("cannot find the heap: java.lang.IllegalStateException: everything fails; the heap is not tracked; "
                + "please report this (?)", found.problem());

        FakeJvm errors = FakeJvm.of("jdk25-g1");
        errors.failingCommands.put("gcHeapInfo", new Exception((String) null));
        assertFalse(HeapLocator.locate(errors).problem().isEmpty());

        FakeJvm stackOverflow = new FakeJvm() {
            @Override
            public List<String> garbageCollectorNames() {
                throw new StackOverflowError();
            }
        };
        assertTrue(HeapLocator.locate(stackOverflow).problem().contains("StackOverflowError"));

        FakeJvm nulls = FakeJvm.of("jdk25-parallel");
        nulls.commands.put("gcHeapInfo", "");
        nulls.commands.put("vmInfo", "");
        assertFalse(HeapLocator.locate(nulls).problem().isEmpty());
        for (HeapDiscovery d : List.of(found, HeapLocator.locate(nulls), HeapLocator.locate(stackOverflow))) {
            assertFalse(d.problem().contains("\n") || d.problem().contains("\r"), d.problem());
        }
    }
}
