package dev.dirtypages.agent.testapp;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An {@code Unsafe} block for a channel client to find in {@code REGIONS}: allocated at once, as applications do, then,
 * when the file {@code <dir>/next} appears, reallocated to the same size, which glibc's {@code realloc} does in
 * place: the agent sees the old block freed and a new one allocated at the same address. (Freeing and allocating
 * again does not give the address back reliably: what the JVM mallocs and frees meanwhile decides.) Ends when
 * {@code <dir>/stop} appears.
 *
 * <p>Output: {@code BLOCK 1 <address> <bytes>}, then {@code BLOCK 2 <address> <bytes>} and {@code STATE <state>}.
 *
 * <p>Usage: {@code ChannelBlocks <dir> <bytes>}.
 */
public final class ChannelBlocks {
    private ChannelBlocks() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long bytes = Long.parseLong(args[1]);
        sun.misc.Unsafe unsafe = KnownHeapWrites.unsafe();
        long first = unsafe.allocateMemory(bytes);
        // Written at once, before any scan can have armed the block: pages 3 and 10 of its whole pages.
        long firstPage = (first + 4095) & -4096L;
        unsafe.putByte(firstPage + 3 * 4096 + 5, (byte) 1);
        unsafe.putByte(firstPage + 10 * 4096 + 5, (byte) 1);
        System.out.println("BLOCK 1 " + first + " " + bytes);
        System.out.flush();
        awaitFile(dir.resolve("next"));
        long second = unsafe.reallocateMemory(first, bytes);
        System.out.println("BLOCK 2 " + second + " " + bytes);
        System.out.println("STATE " + System.getProperty("dirtypages.state"));
        System.out.flush();
        awaitFile(dir.resolve("stop"));
        unsafe.freeMemory(second);
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
