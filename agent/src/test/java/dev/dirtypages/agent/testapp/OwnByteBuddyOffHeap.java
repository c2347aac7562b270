package dev.dirtypages.agent.testapp;

import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * An application with its own ByteBuddy (another version than the agent's) on its class path, which makes a
 * class of its own and allocates direct buffers from it, next to the agent's advice on the JDK.
 *
 * <p>Output: {@code STATE}, {@code byteBuddyFrom=<jar>}, {@code made=<toString of the generated class>},
 * {@code agentVisible=<whether the agent's ByteBuddy advice classes are visible>}, {@code BLOCK <address>},
 * {@code written=<pages>}.
 */
public final class OwnByteBuddyOffHeap {
    private OwnByteBuddyOffHeap() {
    }

    /** Allocates a direct buffer; the application's ByteBuddy subclasses it. */
    public static class Allocator implements Callable<ByteBuffer> {
        @Override
        public ByteBuffer call() {
            return ByteBuffer.allocateDirect(256 * 4096);
        }
    }

    public static void main(String[] args) throws Exception {
        // Waits for the agent: the allocation's stack trace is under test, and only a recording that is running
        // when a block is allocated records it (the agent's own file= recording starts after main does).
        System.out.println("STATE " + KnownHeapWrites.awaitAgent());
        Class<? extends Allocator> made = new ByteBuddy()
                .subclass(Allocator.class)
                .method(ElementMatchers.named("toString"))
                .intercept(FixedValue.value("made by the app's ByteBuddy"))
                .make()
                .load(OwnByteBuddyOffHeap.class.getClassLoader())
                .getLoaded();
        Allocator allocator = made.getDeclaredConstructor().newInstance();
        System.out.println("byteBuddyFrom=" + ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation());
        System.out.println("made=" + allocator);
        boolean visible;
        try {
            Class.forName("dev.dirtypages.agent.offheap.OffHeapTracker");
            visible = true;
        } catch (ClassNotFoundException e) {
            visible = false;
        }
        System.out.println("agentVisible=" + visible);
        ByteBuffer buffer = allocator.call();
        long address = OffHeap.address(buffer);
        System.out.println("BLOCK " + address);
        System.out.flush();
        Thread.sleep(400);
        int written = 0;
        for (int i = 4096 * 2; i < buffer.capacity() - 4096; i += 4096 * 10) {
            buffer.put(i, (byte) 1);
            written++;
        }
        System.out.println("written=" + written);
        Thread.sleep(400);
    }
}
