package dev.dirtypages.agent.testapp;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * A block of off-heap memory of one kind, for the child applications: allocated, written byte by byte at
 * known addresses and freed, through the application's ordinary APIs. The FFM API is reached by
 * reflection, so that these classes compile for Java 17; it needs JDK 22+ at run time.
 *
 * <p>Direct buffers' addresses need {@code --add-opens java.base/java.nio=ALL-UNNAMED}.
 */
public final class OffHeap {
    /** The kinds as the tests name them: direct, unsafe, arena. */
    public final String kind;
    /** The first byte the application may use, and how many. */
    public final long address;
    public final long bytes;
    private final ByteBuffer buffer;
    private final Object arena;
    private final sun.misc.Unsafe unsafe;

    private OffHeap(String kind, long address, long bytes, ByteBuffer buffer, Object arena, sun.misc.Unsafe unsafe) {
        this.kind = kind;
        this.address = address;
        this.bytes = bytes;
        this.buffer = buffer;
        this.arena = arena;
        this.unsafe = unsafe;
    }

    public static OffHeap allocate(String kind, long bytes) throws Exception {
        switch (kind) {
            case "direct": {
                ByteBuffer b = ByteBuffer.allocateDirect((int) bytes);
                return new OffHeap(kind, address(b), bytes, b, null, null);
            }
            case "unsafe": {
                sun.misc.Unsafe u = KnownHeapWrites.unsafe();
                return new OffHeap(kind, u.allocateMemory(bytes), bytes, null, null, u);
            }
            case "arena": {
                Class<?> arenaType = Class.forName("java.lang.foreign.Arena");
                Object arena = arenaType.getMethod("ofShared").invoke(null);
                Object segment = arenaType.getMethod("allocate", long.class).invoke(arena, bytes);
                Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
                long address = (long) segmentType.getMethod("address").invoke(segment);
                Method asByteBuffer = segmentType.getMethod("asByteBuffer");
                ByteBuffer view = (ByteBuffer) asByteBuffer.invoke(segment);
                return new OffHeap(kind, address, bytes, view, arena, null);
            }
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    /** Adds one to the byte at {@code offset}. */
    public void write(long offset) {
        if (unsafe != null) {
            unsafe.putByte(address + offset, (byte) (unsafe.getByte(address + offset) + 1));
        } else {
            int i = (int) offset;
            buffer.put(i, (byte) (buffer.get(i) + 1));
        }
    }

    /** Frees the block now: the cleaner of a direct buffer, freeMemory, the arena's close. */
    public void free() throws Exception {
        switch (kind) {
            case "direct":
                KnownHeapWrites.unsafe().invokeCleaner(buffer);
                break;
            case "unsafe":
                unsafe.freeMemory(address);
                break;
            default:
                Class.forName("java.lang.foreign.Arena").getMethod("close").invoke(arena);
        }
    }

    /** The first whole page of the block, and how many whole pages it has. */
    public long firstPage() {
        return (address + KnownHeapWrites.PAGE - 1) & -KnownHeapWrites.PAGE;
    }

    public int pages() {
        return (int) (((address + bytes) & -KnownHeapWrites.PAGE) - firstPage()) / (int) KnownHeapWrites.PAGE;
    }

    static long address(ByteBuffer direct) throws ReflectiveOperationException {
        Field f = Buffer.class.getDeclaredField("address");
        f.setAccessible(true);
        return f.getLong(direct);
    }

    /** VMAs of this process now: the lines of /proc/self/maps. */
    public static long mappings() throws java.io.IOException {
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/maps"))) {
            return lines.count();
        }
    }
}
