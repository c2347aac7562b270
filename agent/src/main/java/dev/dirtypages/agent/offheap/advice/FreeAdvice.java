package dev.dirtypages.agent.offheap.advice;

import dev.dirtypages.agent.offheap.bridge.OffHeapHooks;
import net.bytebuddy.asm.Advice;

/** On {@code jdk.internal.misc.Unsafe.freeMemory(long)}: before the block is released. */
public final class FreeAdvice {
    private FreeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) long address) {
        OffHeapHooks.freed(address);
    }
}
