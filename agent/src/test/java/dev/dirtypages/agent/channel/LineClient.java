package dev.dirtypages.agent.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;

/** A test's client of the channel: speaks the protocol line by line, the reply's head apart from its lines. */
final class LineClient implements AutoCloseable {
    final SocketChannel channel;
    final BufferedReader in;
    final Writer out;
    final String hello;

    LineClient(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        out = new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8);
        hello = in.readLine();
    }

    /** Sends {@code line}; returns the reply's first line. */
    String call(String line) throws IOException {
        out.write(line + "\n");
        out.flush();
        return in.readLine();
    }

    /** The {@code n} lines that follow the reply {@code head} (which must equal {@code expected} if given). */
    List<String> lines(String head, String expected) throws IOException {
        if (expected != null) {
            assertEquals(expected, head);
        }
        assertTrue(head.startsWith("OK "), head);
        int n = Integer.parseInt(head.split(" ")[1]);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(in.readLine());
        }
        return lines;
    }

    /** Sends {@code command} and returns the lines of its reply, which must be OK. */
    List<String> lines(String command) throws IOException {
        return lines(call(command), null);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
