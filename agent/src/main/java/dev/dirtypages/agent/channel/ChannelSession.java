package dev.dirtypages.agent.channel;

import dev.dirtypages.agent.consumer.Checkpoint;
import dev.dirtypages.agent.consumer.Consumers;
import dev.dirtypages.agent.consumer.Freeze;
import dev.dirtypages.agent.log.AgentLog;
import dev.dirtypages.kernel.Pages;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One connection to the channel: a line-based text protocol (docs/channel.md). Every reply is one line,
 * {@code OK <n> <WORD> [key=value ...]} followed by exactly {@code n} lines, or {@code ERR <reason>}.
 * Addresses are hexadecimal without a prefix, ranges {@code start-end} with the end exclusive, as in
 * {@code /proc/<pid>/maps}.
 *
 * <p>A freeze belongs to the connection that made it: it ends with {@code THAW}, with {@code BYE}, when
 * the connection closes for any reason, or when its lease runs out.
 */
final class ChannelSession implements Runnable {
    /** 2: {@code REGIONS} lists the armed off-heap blocks' spans too, with their generation. */
    static final int VERSION = 2;
    static final int MAX_LINE = 256;
    static final String COMMANDS = "HELLO, REGIONS, REGISTER, UNREGISTER, CONSUMERS, CHECKPOINT, FREEZE, THAW, BYE";

    private final SocketChannel client;
    private final Optional<Consumers> consumers;
    private final Supplier<String> state;
    private final AgentLog log;
    private Freeze freeze;
    private String freezer;

    ChannelSession(SocketChannel client, Optional<Consumers> consumers, Supplier<String> state, AgentLog log) {
        this.client = client;
        this.consumers = consumers;
        this.state = state;
        this.log = log;
    }

    /** Tells a client it is not served, and closes its connection. */
    static void refuse(SocketChannel client, String reason) {
        try (client) {
            client.write(ByteBuffer.wrap(("ERR refused: " + reason + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            // The client is gone already; nothing to tell.
        }
    }

    @Override
    public void run() {
        try (SocketChannel c = client) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(c));
            Writer out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(c), StandardCharsets.UTF_8),
                    1 << 16);
            out.write(hello());
            out.flush();
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    break;
                }
                if (line.length() > MAX_LINE) {
                    out.write("ERR line longer than " + MAX_LINE + " characters; closing\n");
                    out.flush();
                    break;
                }
                String[] words = line.trim().split("\\s+");
                String command = words[0].toUpperCase(Locale.ROOT);
                try {
                    handle(command, words, out);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    out.write("ERR " + oneLine(e.getMessage()) + "\n");
                }
                out.flush();
                if (command.equals("BYE")) {
                    break;
                }
            }
        } catch (IOException e) {
            log.debug("channel connection ended: " + e);
        } finally {
            endFreeze("the connection closed");
        }
    }

    private void handle(String command, String[] words, Writer out) throws IOException {
        switch (command) {
            case "":
                throw new IllegalArgumentException("empty line (commands: " + COMMANDS + ")");
            case "HELLO":
                args(words, 0, 0, "HELLO");
                out.write(hello());
                return;
            case "BYE":
                args(words, 0, 0, "BYE");
                endFreeze("BYE");
                out.write("OK 0 BYE\n");
                return;
            default:
                break;
        }
        Consumers c = consumers.orElseThrow(() -> new IllegalStateException(
                "tracking is off (state " + state.get() + "): nothing is tracked; the agent's log says why"));
        switch (command) {
            case "REGIONS": {
                args(words, 0, 0, "REGIONS");
                List<String> regions = c.regionLines();
                out.write("OK " + regions.size() + " REGIONS\n");
                for (String r : regions) {
                    out.write(r + "\n");
                }
                return;
            }
            case "REGISTER": {
                args(words, 1, 2, "REGISTER <name> [<max-ranges>]");
                int max = words.length > 2 ? parseInt(words[2], "max-ranges") : 0;
                c.register(words[1], max);
                out.write("OK 0 REGISTERED name=" + words[1] + " max-ranges="
                        + (max == 0 ? Consumers.DEFAULT_MAX_RANGES : max) + "\n");
                return;
            }
            case "UNREGISTER":
                args(words, 1, 1, "UNREGISTER <name>");
                if (!c.unregister(words[1])) {
                    throw new IllegalArgumentException("no consumer '" + words[1] + "'");
                }
                out.write("OK 0 UNREGISTERED name=" + words[1] + "\n");
                return;
            case "CONSUMERS": {
                args(words, 0, 0, "CONSUMERS");
                String[] lines = c.getConsumers();
                out.write("OK " + lines.length + " CONSUMERS\n");
                for (String l : lines) {
                    out.write(l + "\n");
                }
                return;
            }
            case "CHECKPOINT":
                args(words, 1, 1, "CHECKPOINT <name>");
                writeRanges(out, "RANGES", c.checkpoint(words[1]), "");
                return;
            case "FREEZE": {
                args(words, 1, 2, "FREEZE <name> [<lease-ms>]");
                if (freeze != null && freeze.isActive()) {
                    throw new IllegalStateException("this connection holds a freeze already (by '" + freezer
                            + "'); THAW it first");
                }
                Duration lease = words.length > 2 ? Duration.ofMillis(parseInt(words[2], "lease-ms"))
                        : Consumers.DEFAULT_LEASE;
                Freeze f = c.freeze(words[1], lease);
                freeze = f;
                freezer = words[1];
                writeRanges(out, "FROZEN", f.checkpoint(), " lease-ms=" + lease.toMillis());
                return;
            }
            case "THAW": {
                args(words, 0, 0, "THAW");
                Freeze f = freeze;
                if (f == null) {
                    throw new IllegalStateException("no freeze on this connection");
                }
                freeze = null;
                long heldMs = f.heldNanos() / 1_000_000;
                if (!f.thaw()) {
                    throw new IllegalStateException("the freeze ran out after " + f.leaseNanos() / 1_000_000
                            + " ms, before THAW: scans may have re-armed pages written after that, hiding them from a "
                            + "read-only pagemap scan; freeze again with a longer lease");
                }
                out.write("OK 0 THAWED held-ms=" + heldMs + "\n");
                return;
            }
            default:
                throw new IllegalArgumentException("unknown command '" + words[0] + "' (commands: " + COMMANDS + ")");
        }
    }

    private String hello() {
        return "OK 0 HELLO version=" + VERSION + " pid=" + ProcessHandle.current().pid() + " state=" + state.get()
                + " page-size=" + Pages.SIZE + "\n";
    }

    private static void writeRanges(Writer out, String word, Checkpoint cp, String extra) throws IOException {
        out.write("OK " + cp.getCount() + " " + word + " consumer=" + cp.getConsumer() + " scan=" + cp.getScanId()
                + " bytes=" + cp.getBytes() + " coarsened=" + cp.getCoarsenedBytes() + " deferred="
                + (cp.isDeferred() ? 1 : 0) + extra + "\n");
        long[] ranges = cp.getRanges();
        StringBuilder line = new StringBuilder(40);
        for (int i = 0; i < ranges.length; i += 2) {
            line.setLength(0);
            line.append(Long.toHexString(ranges[i])).append('-').append(Long.toHexString(ranges[i + 1])).append('\n');
            out.append(line);
        }
    }

    private void endFreeze(String why) {
        Freeze f = freeze;
        freeze = null;
        if (f != null && f.isActive()) {
            f.thaw();
            log.info("freeze by consumer '" + freezer + "' ended: " + why);
        }
    }

    private static void args(String[] words, int min, int max, String usage) {
        int n = words.length - 1;
        if (n < min || n > max) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }

    private static int parseInt(String value, String what) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is not a whole number: '" + value + "'");
        }
    }

    private static String oneLine(String message) {
        return message == null ? "failed" : message.replace('\n', ' ').replace('\r', ' ');
    }

    /**
     * A line without its terminator ({@code \n}, or {@code \r\n}), null at the end of the stream. Stops reading
     * at {@link #MAX_LINE} + 1 characters: a longer line is returned that long, and refused.
     */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            line.append((char) b);
            if (line.length() > MAX_LINE) {
                return line.toString();
            }
        }
        if (b == -1 && line.length() == 0) {
            return null;
        }
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') {
            line.setLength(n - 1);
        }
        return line.toString();
    }
}
