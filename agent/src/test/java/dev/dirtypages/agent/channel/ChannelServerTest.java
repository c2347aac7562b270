package dev.dirtypages.agent.channel;

import dev.dirtypages.agent.testing.Await;
import dev.dirtypages.agent.sample.ScanTrigger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.consumer.ConsumerFixture;
import dev.dirtypages.agent.consumer.Consumers;
import dev.dirtypages.agent.log.LogLevel;
import dev.dirtypages.agent.log.AgentLog;
import dev.dirtypages.agent.sample.Sampler;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import dev.dirtypages.kernel.TestMemory;
import dev.dirtypages.kernel.mman.AnonymousMapping;
import java.time.Duration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channel in this JVM, over a real socket, with consumers of memory the test writes. */
@EnabledIfUserfaultfd
class ChannelServerTest {
    private static final int PAGES = 128;
    private final AgentLog log = new AgentLog(LogLevel.OFF);
    @TempDir
    Path dir;
    private ConsumerFixture fixture;
    private AnonymousMapping memory;
    private Sampler sampler;
    private Consumers consumers;
    private ChannelServer server;

    @BeforeEach
    void open() {
        fixture = new ConsumerFixture(PAGES);
        memory = fixture.memory();
        sampler = fixture.sampler();
        consumers = fixture.consumers();
        server = ChannelServer.open(dir.resolve("channel"), Optional.of(consumers), () -> "tracking", log).orElseThrow();
    }

    @AfterEach
    void close() {
        server.close();
        fixture.close();
    }

    @Test
    void theDirectoryIsTheOwnersAloneAndTheSocketGoesWithTheChannel() throws IOException {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("channel"))));
        Path socket = dir.resolve("channel").resolve(ChannelServer.socketName(ProcessHandle.current().pid()));
        assertEquals(socket, server.socket());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        server.close();
        assertFalse(Files.exists(socket));
    }

    @Test
    void checkpointsListExactlyThePagesWrittenSinceThePreviousOne() throws IOException {
        try (LineClient c = new LineClient(server.socket())) {
            assertTrue(c.hello.startsWith("OK 0 HELLO version=2 pid=" + ProcessHandle.current().pid() + " state=tracking"),
                    c.hello);
            assertEquals(List.of(String.format("%x-%x java-heap", memory.address(), memory.end())),
                    c.lines(c.call("REGIONS"), "OK 1 REGIONS"));
            assertEquals("OK 0 REGISTERED name=tool max-ranges=4096", c.call("REGISTER tool"));
            for (int round = 0; round < 3; round++) {
                BitSet written = write(round, 10 + round);
                if (round == 1) {
                    sampler.scanNow(ScanTrigger.TIMER);
                }
                String head = c.call("CHECKPOINT tool");
                assertTrue(head.startsWith("OK ") && head.contains(" RANGES consumer=tool scan=")
                        && head.contains(" coarsened=0 deferred=0"), head);
                assertEquals(written, pages(c.lines(head, null)));
            }
            List<String> listed = c.lines(c.call("CONSUMERS"), "OK 1 CONSUMERS");
            assertTrue(listed.get(0).startsWith("tool ranges=0 "), listed.toString());
            assertEquals("OK 0 UNREGISTERED name=tool", c.call("UNREGISTER tool"));
            assertEquals("OK 0 BYE", c.call("BYE"));
            assertNull(c.in.readLine(), "BYE closes the connection");
        }
    }

    @Test
    void mistakesAreErrLinesAndTheConnectionGoesOn() throws IOException {
        try (LineClient c = new LineClient(server.socket())) {
            assertTrue(c.call("FROB").startsWith("ERR unknown command 'FROB' (commands: HELLO, REGIONS,"));
            assertTrue(c.call("CHECKPOINT").startsWith("ERR usage: CHECKPOINT <name>"));
            assertTrue(c.call("CHECKPOINT nobody").startsWith("ERR no consumer 'nobody'"));
            assertTrue(c.call("REGISTER x 0x10").startsWith("ERR max-ranges is not a whole number"));
            assertTrue(c.call("REGISTER bad/name").startsWith("ERR a consumer's name is"));
            assertTrue(c.call("THAW").startsWith("ERR no freeze on this connection"));
            assertTrue(c.call("").startsWith("ERR empty line"));
            assertTrue(c.call("hello").startsWith("OK 0 HELLO "), "commands are case-insensitive");
            assertTrue(c.call("x".repeat(300)).startsWith("ERR line longer than 256"));
            assertNull(c.in.readLine(), "a line too long closes the connection");
        }
    }

    @Test
    void aFreezeEndsWithItsConnection() throws Exception {
        try (LineClient c = new LineClient(server.socket())) {
            c.call("REGISTER tool");
            BitSet written = write(7, 5);
            String head = c.call("FREEZE tool 60000");
            assertTrue(head.contains(" FROZEN consumer=tool ") && head.endsWith(" lease-ms=60000"), head);
            assertEquals(written, pages(c.lines(head, null)));
            assertTrue(c.call("FREEZE tool").startsWith("ERR this connection holds a freeze already"));
            assertEquals(0, sampler.scanNow(ScanTrigger.TIMER).scanId(), "held");
        }
        Await.until(Duration.ofSeconds(5), () -> sampler.scanNow(ScanTrigger.TIMER).scanId() != 0,
                () -> "the freeze outlived its connection");
    }

    @Test
    void thawAfterTheLeaseRanOutSaysSo() throws Exception {
        try (LineClient c = new LineClient(server.socket())) {
            c.call("REGISTER tool");
            assertTrue(c.call("FREEZE tool 50").startsWith("OK "));
            Await.until(Duration.ofSeconds(5), () -> sampler.scanNow(ScanTrigger.TIMER).scanId() != 0,
                    () -> "the lease did not end the freeze");
            String thaw = c.call("THAW");
            assertTrue(thaw.startsWith("ERR the freeze ran out after 50 ms, before THAW"), thaw);
            assertTrue(c.call("FREEZE tool 60000").startsWith("OK "), "a new freeze after one that ran out");
            assertTrue(c.call("THAW").startsWith("OK 0 THAWED held-ms="));
        }
    }

    @Test
    void withTrackingOffEveryRequestSaysWhy() throws IOException {
        server.close();
        server = ChannelServer.open(dir.resolve("off"), Optional.empty(), () -> "off", log).orElseThrow();
        try (LineClient c = new LineClient(server.socket())) {
            assertTrue(c.hello.contains(" state=off "), c.hello);
            assertTrue(c.call("REGIONS").startsWith("ERR tracking is off (state off)"));
        }
    }

    @Test
    void aDirectoryOthersMayEnterIsRefused() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-x---"));
        assertTrue(ChannelServer.open(open, Optional.of(consumers), () -> "tracking", log).isEmpty());
        assertTrue(listing(open).isEmpty(), "no socket in a refused directory");
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("channel"));
        assertTrue(ChannelServer.open(link, Optional.of(consumers), () -> "tracking", log).isEmpty());
        Path file = Files.createFile(dir.resolve("file"));
        assertTrue(ChannelServer.open(file, Optional.of(consumers), () -> "tracking", log).isEmpty());
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(ChannelDirectory.euid() == 0, "needs root to give a directory away");
        Path theirs = Files.createDirectory(dir.resolve("theirs"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(theirs, "unix:uid", 65534);
        assertTrue(ChannelServer.open(theirs, Optional.of(consumers), () -> "tracking", log).isEmpty());
    }

    private static List<Path> listing(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.toList();
        }
    }

    private BitSet write(int seed, int n) {
        java.util.Random random = new java.util.Random(seed);
        BitSet pages = new BitSet();
        while (pages.cardinality() < n) {
            pages.set(random.nextInt(PAGES));
        }
        TestMemory.writePages(memory, pages, (byte) (seed + 1));
        return pages;
    }

    private BitSet pages(List<String> ranges) {
        BitSet out = new BitSet();
        for (String r : ranges) {
            String[] ends = r.split("-");
            out.set(TestMemory.pageOf(memory, Long.parseLong(ends[0], 16)),
                    TestMemory.pageOf(memory, Long.parseLong(ends[1], 16)));
        }
        return out;
    }
}
