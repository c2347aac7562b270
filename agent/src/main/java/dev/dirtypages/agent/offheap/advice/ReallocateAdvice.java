package dev.dirtypages.agent.offheap.advice;

import dev.dirtypages.agent.offheap.bridge.OffHeapHooks;
import net.bytebuddy.asm.Advice;

/**
 * On {@code jdk.internal.misc.Unsafe.reallocateMemory(long, long)}: the old block ends before the call (it
 * may be released or moved), the block returned is a new one.
 */
public final class ReallocateAdvice {
    private ReallocateAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) long address) {
        OffHeapHooks.freed(address);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(1) long bytes, @Advice.Return long address) {
        OffHeapHooks.allocated(address, bytes);
    }
}
