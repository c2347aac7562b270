package dev.dirtypages.agent.offheap.advice;

import dev.dirtypages.agent.offheap.bridge.OffHeapHooks;
import net.bytebuddy.asm.Advice;

/** On the FFM segment factory's allocating methods (JDK 22+): what they allocate belongs to an arena. */
public final class ArenaMarkAdvice {
    private ArenaMarkAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static int enter() {
        return OffHeapHooks.mark(OffHeapHooks.ARENA);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    static void exit(@Advice.Enter int previous) {
        OffHeapHooks.unmark(previous);
    }
}
