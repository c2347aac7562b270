package dev.dirtypages.agent.testapp;

import java.util.Random;
import java.util.TreeSet;

/**
 * The ways a JVM ends, with the agent tracking: {@code exit-thread} (System.exit from a thread other than
 * main, while main waits), {@code halt} (Runtime.halt: no shutdown hooks), {@code sleep} (waits to be
 * killed: the test sends SIGTERM), {@code exit-now <millis>} (System.exit after that long, whether or not
 * the agent has finished starting; nothing written).
 *
 * <p>The first three wait for the agent, allocate a quiet humongous array, wait for scans to report its
 * allocation, then write pages of it and print {@code BLOCK <firstPage> <pages>}, {@code WROTE <epoch nanos>
 * <page>...} just before ending. Exit codes: 5 (exit-thread), 6 (halt), 4 (exit-now).
 */
public final class ExitPaths {
    private ExitPaths() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (mode.equals("exit-now")) {
            Thread.sleep(Long.parseLong(args[1]));
            System.out.println("exiting");
            System.exit(4);
        }
        System.out.println("STATE " + KnownHeapWrites.awaitAgent());
        sun.misc.Unsafe unsafe = KnownHeapWrites.unsafe();
        byte[] block = new byte[KnownHeapWrites.BLOCK_BYTES];
        long data = KnownHeapWrites.addressOf(unsafe, block) + unsafe.arrayBaseOffset(byte[].class);
        long firstPage = (data + KnownHeapWrites.PAGE - 1) & -KnownHeapWrites.PAGE;
        int pages = (int) ((data + block.length - firstPage) / KnownHeapWrites.PAGE);
        System.out.println("BLOCK " + firstPage + " " + pages);
        Thread.sleep(Long.parseLong(args.length > 1 ? args[1] : "300"));

        Runnable writeAndEnd = () -> {
            Random random = new Random(11);
            TreeSet<Integer> chosen = new TreeSet<>();
            while (chosen.size() < 50) {
                chosen.add(random.nextInt(pages));
            }
            long t0 = KnownHeapWrites.epochNanos();
            for (int p : chosen) {
                block[(int) (firstPage - data + p * KnownHeapWrites.PAGE + 64)]++;
            }
            StringBuilder line = new StringBuilder("WROTE ").append(t0);
            for (int p : chosen) {
                line.append(' ').append(p);
            }
            System.out.println(line);
            System.out.flush();
            switch (mode) {
                case "exit-thread":
                    System.exit(5);
                    break;
                case "halt":
                    Runtime.getRuntime().halt(6);
                    break;
                default:
                    break;
            }
        };
        if (mode.equals("exit-thread")) {
            Thread t = new Thread(writeAndEnd, "exiting-thread");
            t.start();
            t.join();  // System.exit does not return; main waits here until the JVM ends
        } else {
            writeAndEnd.run();
            if (mode.equals("sleep")) {
                Thread.sleep(Long.MAX_VALUE);
            }
        }
    }
}
