package dev.dirtypages.samples.snapshot;

import dev.dirtypages.kernel.proc.Mapping;
import dev.dirtypages.kernel.proc.ProcMaps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Another process's memory, read through {@code /proc/<pid>/mem} (the same user with ptrace access, or
 * root), and which of it is readable according to {@code /proc/<pid>/maps}.
 *
 * <p>Readability is taken from the maps, not from the read: {@code /proc/<pid>/mem} reads with
 * {@code FOLL_FORCE}, so a {@code PROT_NONE} reservation (the uncommitted part of a Java heap) reads as zeros
 * rather than failing. The tool treats memory outside readable mappings as absent, in its image and in the
 * full read it compares the image with alike.
 */
final class ProcessMemory implements AutoCloseable {
    static final int BLOCK = 1 << 20;

    private final long pid;
    private final FileChannel mem;
    private final ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);

    ProcessMemory(long pid) throws IOException {
        this.pid = pid;
        this.mem = FileChannel.open(Path.of("/proc/" + pid + "/mem"), StandardOpenOption.READ);
    }

    List<Mapping> maps() {
        return ProcMaps.of((int) pid);
    }

    /** The parts of {@code [start, end)} inside readable mappings, ascending. */
    static List<long[]> readable(List<Mapping> maps, long start, long end) {
        List<long[]> out = new ArrayList<>();
        for (Mapping m : ProcMaps.overlapping(maps, start, end)) {
            if (!m.readable()) {
                continue;
            }
            long s = Math.max(start, m.start());
            long e = Math.min(end, m.end());
            int last = out.size() - 1;
            if (last >= 0 && out.get(last)[1] == s) {
                out.get(last)[1] = e;
            } else {
                out.add(new long[] {s, e});
            }
        }
        return out;
    }

    /** Reads {@code [start, end)} block by block, handing each block to {@code sink}; returns the bytes read. */
    long read(long start, long end, Sink sink) throws IOException {
        long address = start;
        while (address < end) {
            int length = (int) Math.min(BLOCK, end - address);
            block.clear().limit(length);
            while (block.hasRemaining()) {
                int n = mem.read(block, address + block.position());
                if (n <= 0) {
                    throw new IOException(String.format("reading /proc/%d/mem at 0x%x: %s", pid,
                            address + block.position(), n < 0 ? "end of file" : "no progress"));
                }
            }
            block.flip();
            sink.accept(address, block);
            address += length;
        }
        return end - start;
    }

    @Override
    public void close() throws IOException {
        mem.close();
    }

    /** Takes a block read at {@code address}; the buffer's content is valid during the call only. */
    interface Sink {
        void accept(long address, ByteBuffer data);
    }
}
