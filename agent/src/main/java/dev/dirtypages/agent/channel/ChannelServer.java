package dev.dirtypages.agent.channel;

import dev.dirtypages.agent.consumer.Consumers;
import dev.dirtypages.agent.log.AgentLog;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The snapshot channel: a Unix domain socket {@code <directory>/dirtypages-<pid>.sock} through which a tool
 * in another process of the same user lists the tracked regions, registers a consumer, takes checkpoints and
 * freezes scanning before it stops the process. The protocol is in docs/channel.md and {@link ChannelSession}.
 *
 * <p>Two guards keep other users out: the directory only its owner may enter ({@link ChannelDirectory}: another
 * user's connect fails with {@code EACCES}), and the peer's credentials ({@code SO_PEERCRED}), which must be this
 * process's user: root passes directory permissions but is refused here all the same. The socket itself has mode
 * 0600.
 */
public final class ChannelServer implements AutoCloseable {
    /** Connections served at once; more are told so and closed. */
    static final int MAX_CONNECTIONS = 8;

    private final Path socket;
    private final ServerSocketChannel server;
    private final UserPrincipal owner;
    private final Optional<Consumers> consumers;
    private final Supplier<String> state;
    private final AgentLog log;
    private final boolean peerCredentials;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();
    private volatile boolean closed;

    private ChannelServer(Path socket, ServerSocketChannel server, UserPrincipal owner, Optional<Consumers> consumers,
                          Supplier<String> state, AgentLog log) {
        this.socket = socket;
        this.server = server;
        this.owner = owner;
        this.consumers = consumers;
        this.state = state;
        this.log = log;
        this.peerCredentials = ModuleLayer.boot().findModule("jdk.net").isPresent();
    }

    /** The socket's name in its directory. */
    public static String socketName(long pid) {
        return "dirtypages-" + pid + ".sock";
    }

    /**
     * Opens the channel in {@code directory} and starts serving it on a daemon thread. Whatever goes wrong is
     * one line in the log, and the agent runs on without a channel.
     *
     * @param consumers empty when tracking is off: the channel then says why to every request
     * @param state     the agent's state, as {@code dirtypages.state} publishes it
     */
    public static Optional<ChannelServer> open(Path directory, Optional<Consumers> consumers, Supplier<String> state,
                                               AgentLog log) {
        Path socket = directory.resolve(socketName(ProcessHandle.current().pid()));
        try {
            ChannelDirectory.prepare(directory);
            // A socket left by an earlier process with this pid (killed before it could remove it).
            Files.deleteIfExists(socket);
            // Bound and listening under another name, then renamed: a tool that sees the socket can connect to it
            // (between bind and listen a connection is refused), and never sees it with other permissions.
            Path binding = socket.resolveSibling(socket.getFileName() + ".new");
            Files.deleteIfExists(binding);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(binding));
                Files.setPosixFilePermissions(binding, PosixFilePermissions.fromString("rw-------"));
                Files.move(binding, socket, StandardCopyOption.ATOMIC_MOVE);
                UserPrincipal owner = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS);
                ChannelServer channel = new ChannelServer(socket, server, owner, consumers, state, log);
                channel.start();
                return Optional.of(channel);
            } catch (IOException | RuntimeException e) {
                server.close();
                Files.deleteIfExists(binding);
                Files.deleteIfExists(socket);
                throw e;
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            log.warn("channel not opened, tracking goes on without it: " + (e.getMessage() != null ? e.getMessage() : e));
            return Optional.empty();
        }
    }

    /** Starts serving. Closing at exit is the opener's: the agent's one shutdown hook, after its final scan. */
    private void start() {
        Thread acceptor = new Thread(this::accept, "dirtypages-channel");
        acceptor.setDaemon(true);
        acceptor.start();
        log.info("channel open at " + socket + (peerCredentials ? ""
                : " (module jdk.net is not in this JVM: peer credentials are not checked, the directory's mode is the guard)"));
    }

    public Path socket() {
        return socket;
    }

    private void accept() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.error("channel stops accepting: " + e);
                }
                return;
            }
            serve(client);
        }
    }

    private void serve(SocketChannel client) {
        int id = served.incrementAndGet();
        String refusal = refusal(client);
        boolean tooMany = refusal == null && connections.incrementAndGet() > MAX_CONNECTIONS;
        if (refusal != null || tooMany) {
            if (tooMany) {
                connections.decrementAndGet();
                refusal = "busy: " + MAX_CONNECTIONS + " connections are open already";
            } else {
                log.warn("channel refused a connection: " + refusal);
            }
            ChannelSession.refuse(client, refusal);
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                new ChannelSession(client, consumers, state, log).run();
            } finally {
                connections.decrementAndGet();
            }
        }, "dirtypages-channel-" + id);
        thread.setDaemon(true);
        thread.start();
    }

    /** Why {@code client} may not use the channel, or null: it must run as this process's user. */
    private String refusal(SocketChannel client) {
        if (!peerCredentials) {
            return null;
        }
        try {
            UserPrincipal peer = PeerCredentials.user(client);
            if (!peer.equals(owner)) {
                return "the peer runs as user " + peer.getName() + "; this channel serves user " + owner.getName()
                        + " only";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "the peer's credentials cannot be read (" + e + ")";
        }
    }

    /** Stops accepting, and removes the socket. Sessions open end with their client. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing the channel: " + e);
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.debug("removing " + socket + ": " + e);
        }
    }

    /** Apart, so that the class loads where jdk.net is missing; called only where it is present. */
    private static final class PeerCredentials {
        static UserPrincipal user(SocketChannel client) throws IOException {
            return client.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user();
        }
    }
}
