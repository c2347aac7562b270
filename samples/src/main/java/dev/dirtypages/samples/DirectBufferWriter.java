package dev.dirtypages.samples;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes at random into a set of long-lived direct buffers, and now and then replaces one: off-heap
 * pages written by the application. Prints {@code RESULT} with its throughput.
 *
 * <p>Usage: {@code DirectBufferWriter [seconds] [buffers] [bufferKiB]}.
 */
public final class DirectBufferWriter {
    private DirectBufferWriter() {
    }

    public static void main(String[] args) throws InterruptedException {
        Workloads.awaitAgent();
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int kib = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        ByteBuffer[] buffers = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            buffers[i] = ByteBuffer.allocateDirect(kib * 1024);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Workloads.Meter meter = new Workloads.Meter(seconds);
        long operations = 0;
        while (meter.running()) {
            for (int i = 0; i < 10_000; i++) {
                ByteBuffer b = buffers[random.nextInt(count)];
                b.putLong(random.nextInt(b.capacity() / 8) * 8, i);
            }
            if ((operations & 0xfffff) == 0) {
                buffers[random.nextInt(count)] = ByteBuffer.allocateDirect(kib * 1024);
            }
            operations += 10_000;
            meter.batch(10_000);
        }
        meter.result("DirectBufferWriter");
    }
}
