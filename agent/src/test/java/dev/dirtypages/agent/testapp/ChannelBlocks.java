package dev.dirtypages.agent.testapp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A direct buffer for a channel client to find in {@code REGIONS}: allocated once the agent started, then,
 * when the file {@code <dir>/next} appears, freed and another of the same size allocated at the same address
 * (the allocator hands the chunk it just got back; tried up to 50 times). Ends when {@code <dir>/stop} appears.
 *
 * <p>Output: {@code STATE <state>}, {@code BLOCK 1 <address> <bytes>}, then {@code BLOCK 2 <address> <bytes>}
 * or {@code NOREUSE}. Needs {@code --add-opens java.base/java.nio=ALL-UNNAMED}.
 *
 * <p>Usage: {@code ChannelBlocks <dir> <bytes>}.
 */
public final class ChannelBlocks {
    private ChannelBlocks() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long bytes = Long.parseLong(args[1]);
        System.out.println("STATE " + KnownHeapWrites.awaitAgent());
        OffHeap first = OffHeap.allocate("direct", bytes);
        System.out.println("BLOCK 1 " + first.address + " " + bytes);
        System.out.flush();
        awaitFile(dir.resolve("next"));
        first.free();
        OffHeap second = null;
        List<OffHeap> misses = new ArrayList<>();
        for (int attempt = 0; attempt < 50 && second == null; attempt++) {
            OffHeap candidate = OffHeap.allocate("direct", bytes);
            if (candidate.address == first.address) {
                second = candidate;
            } else {
                misses.add(candidate);
            }
        }
        for (OffHeap m : misses) {
            m.free();
        }
        System.out.println(second == null ? "NOREUSE" : "BLOCK 2 " + second.address + " " + bytes);
        System.out.flush();
        awaitFile(dir.resolve("stop"));
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
