package dev.dirtypages.agent.offheap.bridge;

import java.util.function.LongBinaryOperator;
import java.util.function.LongConsumer;

/**
 * The bridge between the JDK's allocation paths and the agent: a template, never used under this name.
 *
 * <p>The calls the agent adds to the JDK's allocation methods (see
 * {@code dev.dirtypages.agent.offheap.AllocationHooks}) are compiled into {@code java.base} classes, which the
 * bootstrap class loader defines and which cannot see the agent's module. At start the agent renames this
 * class to {@value #RUNTIME_NAME} and defines it inside {@code java.base} (see
 * {@code dev.dirtypages.agent.offheap.Bridge}), where those calls land. It may therefore use only
 * {@code java.base} types: the agent's receivers are reached through {@link LongBinaryOperator} and
 * {@link LongConsumer}, set by reflection.
 *
 * <p>Cost: an allocation reads one thread-local and one volatile field before it calls a receiver; with no
 * receiver set for its kind it returns there. Every method here catches every throwable: an agent failure
 * never reaches the allocating code.
 *
 * <p>Kinds are told apart by the caller: {@code ByteBuffer.allocateDirect} and the FFM segment factory mark
 * the thread while they run ({@link #mark} on entry, {@link #unmark} on every exit, exceptions included);
 * an unmarked {@code Unsafe.allocateMemory} is plain Unsafe memory. One allocation is therefore seen once, at
 * the lowest level, whoever asked for it.
 */
public final class OffHeapHooks {
    /** The binary name this class has once defined in {@code java.base}. */
    public static final String RUNTIME_NAME = "jdk.internal.misc.DirtyPagesOffHeapHooks";

    /** No caller marked the thread: memory from {@code Unsafe.allocateMemory} itself. */
    public static final int UNSAFE = 0;
    /** Inside {@code ByteBuffer.allocateDirect} (or the JDK's temporary direct buffers). */
    public static final int DIRECT = 1;
    /** Inside the FFM segment factory (an arena's {@code allocate}). */
    public static final int ARENA = 2;

    /** The agent's receivers of allocations, one per kind: {@code (address, bytes) -> ignored}. Null: not tracked. */
    public static volatile LongBinaryOperator unsafe;
    public static volatile LongBinaryOperator direct;
    public static volatile LongBinaryOperator arena;
    /** The agent's receiver of frees, called before the memory is released. Null: nothing tracked. */
    public static volatile LongConsumer free;

    /**
     * Per thread: {@code [0]} the kind its caller marked, {@code [1]} nonzero while in a receiver or ignored,
     * {@code [2]} how many marks are open, from {@code [3]} on the kinds they replaced (the innermost last).
     */
    private static final ThreadLocal<int[]> STATE = new ThreadLocal<>();
    private static final int KIND = 0;
    private static final int BUSY = 1;
    private static final int DEPTH = 2;
    private static final int SAVED = 3;
    /** Marks nest (a segment factory allocating a direct buffer, say) a few deep at most; deeper ones are counted only. */
    private static final int MAX_DEPTH = 13;

    private OffHeapHooks() {
    }

    private static int[] state() {
        int[] s = STATE.get();
        if (s == null) {
            s = new int[SAVED + MAX_DEPTH];
            STATE.set(s);
        }
        return s;
    }

    /** Marks the thread as allocating memory of {@code kind} until the matching {@link #unmark}. */
    public static void mark(int kind) {
        try {
            int[] s = state();
            int depth = s[DEPTH];
            if (depth < MAX_DEPTH) {
                s[SAVED + depth] = s[KIND];
            }
            s[DEPTH] = depth + 1;
            s[KIND] = kind;
        } catch (Throwable ignored) {
            // Never into the application's allocation.
        }
    }

    /** Ends the innermost {@link #mark}: on every way out of the marked method, normal or not. */
    public static void unmark() {
        try {
            int[] s = STATE.get();
            if (s == null || s[DEPTH] == 0) {
                return;
            }
            int depth = --s[DEPTH];
            s[KIND] = depth < MAX_DEPTH ? s[SAVED + depth] : UNSAFE;
        } catch (Throwable ignored) {
            // Never into the application's allocation.
        }
    }

    /** {@code Unsafe.allocateMemory} (or {@code reallocateMemory}) returned {@code address}. */
    public static void allocated(long address, long bytes) {
        if (address == 0) {
            return;
        }
        try {
            int[] s = state();
            if (s[BUSY] != 0) {
                return;
            }
            int kind = s[KIND];
            LongBinaryOperator receiver = kind == DIRECT ? direct : kind == ARENA ? arena : unsafe;
            if (receiver == null) {
                return;
            }
            s[BUSY] = 1;
            try {
                receiver.applyAsLong(address, bytes);
            } finally {
                s[BUSY] = 0;
            }
        } catch (Throwable ignored) {
            // Never into the application's allocation.
        }
    }

    /** {@code Unsafe.freeMemory} (or {@code reallocateMemory}) is about to release {@code address}. */
    public static void freed(long address) {
        if (address == 0) {
            return;
        }
        try {
            LongConsumer receiver = free;
            if (receiver == null) {
                return;
            }
            int[] s = state();
            if (s[BUSY] != 0) {
                return;
            }
            s[BUSY] = 1;
            try {
                receiver.accept(address);
            } finally {
                s[BUSY] = 0;
            }
        } catch (Throwable ignored) {
            // Never into the application's free.
        }
    }

    /** The calling thread's allocations are not tracked from now on: for the agent's own threads. */
    public static void ignoreCurrentThread() {
        state()[BUSY] = 1;
    }

    /**
     * The calling thread's allocations are tracked again: for {@code premain}'s thread, the application's
     * main thread, once the agent has installed itself on it.
     */
    public static void attendCurrentThread() {
        state()[BUSY] = 0;
    }
}
