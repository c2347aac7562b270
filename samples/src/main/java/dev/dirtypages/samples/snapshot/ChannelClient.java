package dev.dirtypages.samples.snapshot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client of the agent's channel (docs/channel.md): one command line out, one reply in. A reply is
 * {@code OK <n> <WORD> [key=value ...]} and {@code n} lines, or {@code ERR <reason>}, which this client
 * throws as a {@link ChannelException}.
 */
public final class ChannelClient implements AutoCloseable {
    private final SocketChannel channel;
    private final BufferedReader in;
    private final Writer out;
    private final Reply hello;

    private ChannelClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8);
        this.hello = read();
    }

    /** Connects to {@code socket} and reads the greeting ({@link #hello()}). */
    public static ChannelClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new ChannelClient(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The greeting: {@code OK 0 HELLO version=2 pid=... state=... page-size=...}. */
    public Reply hello() {
        return hello;
    }

    /** Sends {@code command} and reads its reply. */
    public Reply call(String command) throws IOException {
        out.write(command + "\n");
        out.flush();
        return read();
    }

    private Reply read() throws IOException {
        String head = in.readLine();
        if (head == null) {
            throw new IOException("the channel closed the connection");
        }
        if (head.startsWith("ERR")) {
            throw new ChannelException(head.substring(Math.min(4, head.length())));
        }
        String[] words = head.split(" ");
        if (words.length < 3 || !words[0].equals("OK")) {
            throw new IOException("not a reply of the channel: '" + head + "'");
        }
        int n = Integer.parseInt(words[1]);
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 3; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq > 0) {
                fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            }
        }
        List<String> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the reply '" + head + "' ended after " + i + " lines");
            }
            lines.add(line);
        }
        return new Reply(words[2], fields, lines);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** One reply. */
    public record Reply(String word, Map<String, String> fields, List<String> lines) {
        public String field(String key) {
            String v = fields.get(key);
            if (v == null) {
                throw new IllegalStateException("the reply " + word + " has no " + key + ": " + fields);
            }
            return v;
        }

        public long longField(String key) {
            return Long.parseLong(field(key));
        }

        /** The lines as ranges: {@code start-end[ ...]}, hexadecimal (what follows the range is left out). */
        public List<Range> ranges() {
            List<Range> out = new ArrayList<>(lines.size());
            for (String line : lines) {
                String[] words = line.split(" ");
                int dash = words[0].indexOf('-');
                out.add(new Range(Long.parseUnsignedLong(words[0].substring(0, dash), 16),
                        Long.parseUnsignedLong(words[0].substring(dash + 1), 16)));
            }
            return out;
        }

        /**
         * The lines of a {@code REGIONS} reply: {@code start-end name}, and {@code generation=<g>} for the spans
         * of off-heap blocks (0 where absent).
         */
        public List<Region> regions() {
            List<Range> ranges = ranges();
            List<Region> out = new ArrayList<>(lines.size());
            for (int i = 0; i < lines.size(); i++) {
                String[] words = lines.get(i).split(" ");
                long generation = 0;
                for (int w = 2; w < words.length; w++) {
                    if (words[w].startsWith(GENERATION)) {
                        generation = Long.parseLong(words[w].substring(GENERATION.length()));
                    }
                }
                out.add(new Region(ranges.get(i).start(), ranges.get(i).end(), words.length > 1 ? words[1] : "",
                        generation));
            }
            return out;
        }
    }

    private static final String GENERATION = "generation=";

    /** {@code [start, end)}: a range a checkpoint lists. */
    public record Range(long start, long end) {
        public long size() {
            return end - start;
        }
    }

    /**
     * A region {@code REGIONS} lists. Two listings of the same extent, name and generation are the same memory,
     * whose every write since is in the checkpoints; a new generation means the memory is new (an off-heap block
     * armed in place of another) and must be copied whole.
     */
    public record Region(long start, long end, String name, long generation) {
        public long size() {
            return end - start;
        }

        public boolean contains(long from, long to) {
            return start <= from && to <= end;
        }
    }

    /** The channel answered {@code ERR}. */
    public static final class ChannelException extends IOException {
        private static final long serialVersionUID = 1L;

        ChannelException(String reason) {
            super(reason);
        }
    }
}
