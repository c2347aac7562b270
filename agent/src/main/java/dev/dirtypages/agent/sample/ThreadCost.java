package dev.dirtypages.agent.sample;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The CPU time and Java heap allocation of the current thread, read before and after a scan so that each
 * {@code dirtypages.Scan} event says what the scan itself cost. Either reading is -1 where the JVM does not
 * offer it (it is then reported as 0 cost).
 */
final class ThreadCost {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.ThreadMXBean allocation =
            threads instanceof com.sun.management.ThreadMXBean ? (com.sun.management.ThreadMXBean) threads : null;
    private final boolean cpu;
    private final boolean allocated;

    ThreadCost() {
        boolean cpuOk = false;
        try {
            cpuOk = threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
        } catch (UnsupportedOperationException e) {
            // stays false
        }
        cpu = cpuOk;
        boolean allocatedOk = false;
        try {
            allocatedOk = allocation != null && allocation.isThreadAllocatedMemorySupported()
                    && allocation.isThreadAllocatedMemoryEnabled();
        } catch (UnsupportedOperationException e) {
            // stays false
        }
        allocated = allocatedOk;
    }

    /** CPU nanoseconds the current thread has used, or -1. */
    long cpuNanos() {
        return cpu ? threads.getCurrentThreadCpuTime() : -1;
    }

    /** Bytes of Java heap the current thread has allocated, or -1. */
    long allocatedBytes() {
        return allocated ? allocation.getThreadAllocatedBytes(Thread.currentThread().getId()) : -1;
    }

    /** {@code after - before}, or 0 when either is unknown. */
    static long delta(long before, long after) {
        return before < 0 || after < 0 ? 0 : Math.max(0, after - before);
    }
}
