package dev.dirtypages.agent.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testapp.ChannelBlocks;
import dev.dirtypages.agent.testing.Await;
import dev.dirtypages.agent.testing.ChildJvm;
import dev.dirtypages.kernel.EnabledIfUserfaultfd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code REGIONS} lists an off-heap block's pages from the scan that arms it, and a block freed and allocated
 * again at the same address (an {@code Unsafe} block reallocated in place) under a new generation: writes between
 * the free and the new block's arming are reported to nobody, so a copier must see that the span is not the one
 * it copied.
 */
@EnabledIfUserfaultfd
class ChannelOffHeapIT {
    private static final long PAGE = 4096;
    /** A size nothing of the JDK's own allocates. */
    private static final long BYTES = 64 * 4096 + 1000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void anOffHeapBlocksPagesAreListedAndABlockAllocatedAgainInTheirPlaceIsANewGeneration() throws Exception {
        Path channel = dir.resolve("channel");
        ChildJvm.Running app = ChildJvm.in(dir)
                .agent("channel=" + channel)
                .args("-cp", ChildJvm.testClasses().toString(), ChannelBlocks.class.getName(), dir.toString(),
                        String.valueOf(BYTES))
                .start();
        try {
            app.awaitLine("BLOCK 1 ", WAIT);
            // The application allocated at once; a tool connects once the agent has opened the channel.
            Path socket = channel.resolve(ChannelServer.socketName(app.pid()));
            Await.until(WAIT, () -> Files.exists(socket), () -> !app.isAlive(), () -> "no socket\n" + app.describe());
            try (LineClient c = new LineClient(socket)) {
                assertTrue(c.hello.startsWith("OK 0 HELLO version=2 "), c.hello);
                c.lines("REGISTER tool");
                // The scan that arms the buffer: it hands the consumer the pages written before, as written.
                List<String> armed = c.lines("CHECKPOINT tool");
                long first = blockAddress(app.stdout(), "BLOCK 1 ");
                long firstPage = (first + PAGE - 1) & -PAGE;
                for (long page : new long[] {firstPage + 3 * PAGE, firstPage + 10 * PAGE}) {
                    assertTrue(covered(armed, page), String.format("page %x, written before the block's arming, "
                            + "not in the checkpoint that armed it: %s", page, armed));
                }
                List<String> regions = c.lines("REGIONS");
                String span = spanOver(regions, first);
                assertTrue(regions.stream().anyMatch(l -> l.endsWith(" java-heap")), regions.toString());
                assertTrue(span.split(" ")[1].contains("unsafe-memory"), span);

                Files.createFile(dir.resolve("next"));
                app.awaitLine("STATE ", WAIT);
                assertTrue(app.stdout().contains("STATE tracking"), app.describe());
                c.lines("CHECKPOINT tool");
                long second = blockAddress(app.stdout(), "BLOCK 2 ");
                assertEquals(first, second);
                regions = c.lines("REGIONS");
                String again = spanOver(regions, second);
                assertNotEquals(generation(span), generation(again), span + " / " + again);
                assertFalse(regions.contains(span), "the freed block's span is still listed: " + regions);
            }
        } finally {
            // Whatever failed, let the child end (it may still wait for "next"), so that the failure is reported.
            if (!Files.exists(dir.resolve("next"))) {
                Files.createFile(dir.resolve("next"));
            }
            Files.createFile(dir.resolve("stop"));
            app.await(WAIT);
        }
    }

    /** The listed line whose range holds every page of the buffer at {@code address}; fails if none does. */
    private static String spanOver(List<String> regions, long address) {
        long pageStart = address & -PAGE;
        long pageEnd = (address + BYTES + PAGE - 1) & -PAGE;
        List<String> over = new ArrayList<>();
        for (String line : regions) {
            String[] range = line.split(" ")[0].split("-");
            if (Long.parseLong(range[0], 16) <= pageStart && pageEnd <= Long.parseLong(range[1], 16)) {
                over.add(line);
            }
        }
        assertEquals(1, over.size(), String.format("the buffer's pages [%x, %x) in %s", pageStart, pageEnd, regions));
        return over.get(0);
    }

    /** Whether a range line {@code start-end} of a checkpoint's answer holds {@code page}. */
    private static boolean covered(List<String> answer, long page) {
        for (String line : answer) {
            String[] range = line.split(" ")[0].split("-");
            if (range.length == 2 && !line.startsWith("OK") && Long.parseLong(range[0], 16) <= page
                    && page < Long.parseLong(range[1], 16)) {
                return true;
            }
        }
        return false;
    }

    private static long generation(String line) {
        String last = line.substring(line.lastIndexOf(' ') + 1);
        assertTrue(last.startsWith("generation="), line);
        return Long.parseLong(last.substring("generation=".length()));
    }

    private static long blockAddress(String stdout, String prefix) {
        return stdout.lines().filter(l -> l.startsWith(prefix)).map(l -> Long.parseLong(l.split(" ")[2]))
                .findFirst().orElseThrow();
    }
}
