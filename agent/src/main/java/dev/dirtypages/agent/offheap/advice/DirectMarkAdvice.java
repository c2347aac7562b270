package dev.dirtypages.agent.offheap.advice;

import dev.dirtypages.agent.offheap.bridge.OffHeapHooks;
import net.bytebuddy.asm.Advice;

/** On {@code ByteBuffer.allocateDirect} (and the JDK's temporary direct buffers): what they allocate is a direct buffer. */
public final class DirectMarkAdvice {
    private DirectMarkAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static int enter() {
        return OffHeapHooks.mark(OffHeapHooks.DIRECT);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    static void exit(@Advice.Enter int previous) {
        OffHeapHooks.unmark(previous);
    }
}
