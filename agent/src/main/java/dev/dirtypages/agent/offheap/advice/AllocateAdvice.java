package dev.dirtypages.agent.offheap.advice;

import dev.dirtypages.agent.offheap.bridge.OffHeapHooks;
import net.bytebuddy.asm.Advice;

/** On {@code jdk.internal.misc.Unsafe.allocateMemory(long)}: the block it returns. */
public final class AllocateAdvice {
    private AllocateAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(0) long bytes, @Advice.Return long address) {
        OffHeapHooks.allocated(address, bytes);
    }
}
