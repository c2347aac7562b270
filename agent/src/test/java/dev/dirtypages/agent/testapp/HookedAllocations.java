package dev.dirtypages.agent.testapp;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Goes through every JDK method the agent adds hooks to, at once, the exceptional way out included: a direct
 * buffer refused for lack of direct memory (run with {@code -XX:MaxDirectMemorySize=2m}), a read through the
 * JDK's temporary direct buffers, then an Unsafe block and (JDK 22+) an arena segment it writes, now and after
 * a pause.
 *
 * <p>Output: {@code OOM <message>}, {@code UNSAFE <firstPage> <pages>}, {@code ARENA <firstPage> <pages>}.
 */
public final class HookedAllocations {
    private HookedAllocations() {
    }

    public static void main(String[] args) throws Exception {
        try {
            ByteBuffer.allocateDirect(4 << 20);
            System.out.println("NOOOM");
        } catch (OutOfMemoryError e) {
            System.out.println("OOM " + e.getMessage());
        }
        try (FileChannel maps = FileChannel.open(Path.of("/proc/self/maps"))) {
            maps.read(ByteBuffer.allocate(4096));
        }
        OffHeap unsafe = OffHeap.allocate("unsafe", (1 << 20) + 4321);
        OffHeap arena = Runtime.version().feature() >= 22 ? OffHeap.allocate("arena", (1 << 20) + 8765) : null;
        for (int round = 0; round < 2; round++) {
            for (OffHeap block : arena == null ? new OffHeap[] {unsafe} : new OffHeap[] {unsafe, arena}) {
                for (int page = 0; page < block.pages(); page += 16) {
                    block.write(block.firstPage() - block.address + page * KnownHeapWrites.PAGE);
                }
            }
            if (round == 0) {
                Thread.sleep(1500);
            }
        }
        System.out.println("UNSAFE " + unsafe.firstPage() + " " + unsafe.pages());
        if (arena != null) {
            System.out.println("ARENA " + arena.firstPage() + " " + arena.pages());
        }
    }
}
