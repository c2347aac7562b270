package dev.dirtypages.agent.testapp;

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

/**
 * A channel client with nothing but the JDK, so that a test can run it as another user from a copy of this
 * one class file: connects, prints the greeting, sends each argument after the first as a command and prints
 * the reply's first line. Exit 0 when the greeting is OK, 3 when it is ERR, 4 when the connection fails
 * (the exception is printed: "Permission denied" when the directory keeps the user out).
 *
 * <p>Usage: {@code ChannelProbe <socket> [command]...}.
 */
public final class ChannelProbe {
    private ChannelProbe() {
    }

    public static void main(String[] args) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            Writer out = new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8);
            String hello = in.readLine();
            System.out.println("GREETING " + hello);
            if (hello == null || !hello.startsWith("OK")) {
                System.exit(3);
            }
            for (int i = 1; i < args.length; i++) {
                out.write(args[i] + "\n");
                out.flush();
                String head = in.readLine();
                System.out.println("REPLY " + head);
                int n = head != null && head.startsWith("OK ") ? Integer.parseInt(head.split(" ")[1]) : 0;
                for (int k = 0; k < n; k++) {
                    System.out.println("  " + in.readLine());
                }
            }
        } catch (IOException e) {
            System.out.println("FAILED " + e);
            System.exit(4);
        }
    }
}
