package dev.dirtypages.agent.offheap;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;

/**
 * The direct buffers alive now, found through the JDK's cleaners: for an agent attached to a running JVM,
 * whose hooks did not see them allocated.
 *
 * <p>Every direct buffer that owns its memory registers a {@code jdk.internal.ref.Cleaner} whose thunk, a
 * {@code java.nio.DirectByteBuffer$Deallocator}, holds the address {@code Unsafe.allocateMemory} returned and
 * the size it was asked for: the very block the hooks would have seen (JDK 17 to 25: a class on 17, a record
 * since). The cleaners form a list ({@code Cleaner.first}, {@code next}) that {@code Cleaner.add} and
 * {@code remove} change under the lock of the {@code Cleaner} class; the walk takes the same lock, so a buffer
 * on the list then has not begun to be freed: its free (which {@code Cleaner.clean} starts by leaving the list)
 * comes after the walk, through the hooks already in place. Views, slices and duplicates have no cleaner of
 * their own and are not counted twice; file mappings ({@code MappedByteBuffer}) have another thunk and are
 * skipped.
 *
 * <p>The packages are opened to the agent's module alone, by {@link Instrumentation#redefineModule}.
 */
final class LiveDirectBuffers {
    /** Receives each buffer's block. */
    @FunctionalInterface
    interface Receiver {
        void found(long address, long bytes);
    }

    private LiveDirectBuffers() {
    }

    /** Calls {@code receiver} for every live direct buffer's block; returns how many there were. */
    static int find(Instrumentation instrumentation, Receiver receiver) throws ReflectiveOperationException {
        Class<?> cleaner = Class.forName("jdk.internal.ref.Cleaner", false, null);
        Class<?> deallocator = Class.forName("java.nio.DirectByteBuffer$Deallocator", false, null);
        Module self = LiveDirectBuffers.class.getModule();
        Module base = cleaner.getModule();
        for (String pkg : new String[] {"jdk.internal.ref", "java.nio"}) {
            if (!base.isOpen(pkg, self)) {
                instrumentation.redefineModule(base, Set.of(), Map.of(), Map.of(pkg, Set.of(self)), Set.of(), Map.of());
            }
        }
        Field first = accessible(cleaner, "first");
        Field next = accessible(cleaner, "next");
        Field thunk = accessible(cleaner, "thunk");
        Field address = accessible(deallocator, "address");
        Field size = accessible(deallocator, "size");
        int count = 0;
        synchronized (cleaner) {
            for (Object c = first.get(null); c != null; c = next.get(c)) {
                Object t = thunk.get(c);
                if (t != null && t.getClass() == deallocator) {
                    long a = address.getLong(t);
                    if (a != 0) {
                        receiver.found(a, size.getLong(t));
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static Field accessible(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
