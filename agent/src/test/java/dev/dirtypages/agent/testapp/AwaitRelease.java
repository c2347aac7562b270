package dev.dirtypages.agent.testapp;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs until the test releases it, so that agents can be attached to it in between: prints {@code ready},
 * waits (at most 60 s) until the file args[0] exists, prints {@code agentState=<dirtypages.state>} and
 * exits with 0.
 */
public final class AwaitRelease {
    private AwaitRelease() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("ready");
        System.out.flush();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(Path.of(args[0])) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.println("agentState=" + System.getProperty("dirtypages.state"));
    }
}
