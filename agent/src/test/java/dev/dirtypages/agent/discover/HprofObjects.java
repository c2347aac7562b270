package dev.dirtypages.agent.discover;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Finds an object's address in an HPROF heap dump. HotSpot's heap dumper writes every object's ID as the
 * object's address ({@code write_objectID(oop)} writes the uncompressed oop), so a dump taken with
 * {@code HotSpotDiagnosticMXBean.dumpHeap} tells where an object lies without {@code sun.misc.Unsafe} (whose
 * memory-access methods warn on JDK 24+) and without decoding compressed oops (base and shift vary with
 * the heap's placement). The address is the one at the dump's safepoint; objects move, the heap does not.
 *
 * <p>Reads the format of {@code heapDumper.cpp} (JAVA PROFILE 1.0.2, 8-byte IDs): top-level records
 * {@code tag u1, time u4, length u4}; inside HEAP_DUMP / HEAP_DUMP_SEGMENT the GC root, class, instance and
 * array sub-records.
 */
final class HprofObjects {
    private static final int HEAP_DUMP = 0x0C;
    private static final int HEAP_DUMP_SEGMENT = 0x1C;
    private static final int BYTE_TYPE = 8;

    private final DataInputStream in;
    private int idSize;

    private HprofObjects(InputStream in) {
        this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16));
    }

    /** The address of the first {@code byte[]} in the dump whose content starts with {@code prefix}. */
    static OptionalLong byteArrayStartingWith(Path dump, byte[] prefix) throws IOException {
        try (InputStream file = Files.newInputStream(dump)) {
            return new HprofObjects(file).find(prefix);
        }
    }

    private OptionalLong find(byte[] prefix) throws IOException {
        StringBuilder magic = new StringBuilder();
        for (int b = in.readUnsignedByte(); b != 0; b = in.readUnsignedByte()) {
            magic.append((char) b);
        }
        if (!magic.toString().startsWith("JAVA PROFILE")) {
            throw new IOException("not an HPROF file: " + magic);
        }
        idSize = in.readInt();
        in.readLong(); // timestamp
        while (true) {
            int tag;
            try {
                tag = in.readUnsignedByte();
            } catch (EOFException end) {
                return OptionalLong.empty();
            }
            in.readInt(); // time
            long length = Integer.toUnsignedLong(in.readInt());
            if (tag == HEAP_DUMP || tag == HEAP_DUMP_SEGMENT) {
                OptionalLong found = heapDump(length, prefix);
                if (found.isPresent()) {
                    return found;
                }
            } else {
                skip(length);
            }
        }
    }

    private OptionalLong heapDump(long length, byte[] prefix) throws IOException {
        long left = length;
        while (left > 0) {
            int sub = in.readUnsignedByte();
            long read = 1;
            switch (sub) {
                case 0xFF, 0x05, 0x07 -> read += skip(idSize); // root unknown, sticky class, monitor used
                case 0x01 -> read += skip(2L * idSize); // JNI global
                case 0x02, 0x03, 0x08 -> read += skip(idSize + 8L); // JNI local, Java frame, thread object
                case 0x04, 0x06 -> read += skip(idSize + 4L); // native stack, thread block
                case 0x20 -> read += classDump();
                case 0x21 -> { // instance: id, stack serial, class id, length, fields
                    read += skip(idSize + 4L + idSize);
                    int bytes = in.readInt();
                    read += 4 + skip(Integer.toUnsignedLong(bytes));
                }
                case 0x22 -> { // object array: id, stack serial, count, class id, elements
                    read += skip(idSize + 4L);
                    int count = in.readInt();
                    read += 4 + skip(idSize + (long) count * idSize);
                }
                case 0x23 -> { // primitive array: id, stack serial, count, type, elements
                    long id = readId();
                    in.readInt();
                    int count = in.readInt();
                    int type = in.readUnsignedByte();
                    long bytes = (long) count * valueSize(type);
                    read += idSize + 4 + 4 + 1 + bytes;
                    if (type == BYTE_TYPE && count >= prefix.length) {
                        byte[] head = new byte[prefix.length];
                        in.readFully(head);
                        skip(bytes - prefix.length);
                        if (Arrays.equals(head, prefix)) {
                            return OptionalLong.of(id);
                        }
                    } else {
                        skip(bytes);
                    }
                }
                default -> throw new IOException(String.format("unknown heap dump sub-record 0x%02x", sub));
            }
            left -= read;
        }
        if (left != 0) {
            throw new IOException("heap dump record overran its length by " + (-left));
        }
        return OptionalLong.empty();
    }

    /** CLASS_DUMP: the bytes it took after its tag. */
    private long classDump() throws IOException {
        long read = skip(idSize + 4L + 6L * idSize + 4L); // id, serial, super, loader, signers, domain, 2 reserved, size
        int constants = in.readUnsignedShort();
        read += 2;
        for (int i = 0; i < constants; i++) {
            in.readUnsignedShort();
            int type = in.readUnsignedByte();
            read += 3 + skip(valueSize(type));
        }
        int statics = in.readUnsignedShort();
        read += 2;
        for (int i = 0; i < statics; i++) {
            read += skip(idSize);
            int type = in.readUnsignedByte();
            read += 1 + skip(valueSize(type));
        }
        int fields = in.readUnsignedShort();
        read += 2 + skip(fields * (idSize + 1L));
        return read;
    }

    private int valueSize(int type) throws IOException {
        return switch (type) {
            case 2 -> idSize; // object
            case 4, 8 -> 1; // boolean, byte
            case 5, 9 -> 2; // char, short
            case 6, 10 -> 4; // float, int
            case 7, 11 -> 8; // double, long
            default -> throw new IOException("unknown HPROF basic type " + type);
        };
    }

    private long readId() throws IOException {
        return idSize == 8 ? in.readLong() : Integer.toUnsignedLong(in.readInt());
    }

    private long skip(long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                in.readByte(); // EOFException at the end
                skipped = 1;
            }
            left -= skipped;
        }
        return bytes;
    }
}
