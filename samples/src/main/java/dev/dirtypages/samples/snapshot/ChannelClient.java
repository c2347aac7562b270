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

    /** The greeting: {@code OK 0 HELLO version=1 pid=... state=... page-size=...}. */
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

        /** The lines as ranges: {@code start-end[ name]}, hexadecimal. */
        public List<Range> ranges() {
            List<Range> out = new ArrayList<>(lines.size());
            for (String line : lines) {
                int dash = line.indexOf('-');
                int space = line.indexOf(' ');
                long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long end = Long.parseUnsignedLong(line.substring(dash + 1, space < 0 ? line.length() : space), 16);
                out.add(new Range(start, end, space < 0 ? "" : line.substring(space + 1)));
            }
            return out;
        }
    }

    /** {@code [start, end)}, with the region's name where the reply gives one. */
    public record Range(long start, long end, String name) {
        public long size() {
            return end - start;
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
