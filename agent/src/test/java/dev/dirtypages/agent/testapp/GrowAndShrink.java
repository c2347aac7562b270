package dev.dirtypages.agent.testapp;

import java.util.ArrayList;
import java.util.List;

/**
 * A child application whose heap grows from a small -Xms to most of -Xmx and shrinks again: HotSpot
 * commits and uncommits heap memory with mmap(MAP_FIXED), which drops a userfaultfd registration.
 * Waits for the agent, then grows in steps with pauses so that scans run in between.
 */
public final class GrowAndShrink {
    private GrowAndShrink() {
    }

    public static void main(String[] args) throws Exception {
        int maxMiB = Integer.parseInt(args[0]);
        long pause = Long.parseLong(args[1]);
        List<byte[]> live = new ArrayList<>();
        for (int mib = 0; mib < maxMiB; mib += 16) {
            for (int i = 0; i < 64; i++) {
                live.add(new byte[256 << 10]);   // small enough not to be humongous under G1
            }
            Thread.sleep(pause);
        }
        System.out.println("GREW " + live.size() / 4 + " MiB");
        live.clear();
        for (int i = 0; i < 3; i++) {
            System.gc();                         // full collections shrink the heap: uncommit
            Thread.sleep(pause * 2);
        }
        System.out.println("DONE");        System.out.println("STATE " + System.getProperty("dirtypages.state"));
    }
}
