package dev.dirtypages.agent.testapp;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An application that only waits, with nothing but the JDK (a test runs it as another user from a copy of
 * this class file): prints {@code STATE <agent state>} once the agent started, and ends when the file named
 * by its argument appears (or after five minutes).
 */
public final class ChannelTarget {
    private ChannelTarget() {
    }

    public static void main(String[] args) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        String state = System.getProperty("dirtypages.state");
        while ((state == null || state.equals("starting")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            state = System.getProperty("dirtypages.state");
        }
        System.out.println("STATE " + state);
        System.out.flush();
        Path stop = Path.of(args[0]);
        long end = System.nanoTime() + 300_000_000_000L;
        while (!Files.exists(stop) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }
}
