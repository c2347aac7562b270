package dev.dirtypages.agent.channel;

import dev.dirtypages.agent.testing.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.testapp.ChannelProbe;
import dev.dirtypages.agent.testapp.ChannelTarget;
import dev.dirtypages.agent.testing.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channel serves its own user only, with real users: as root (CI runs so), the tests run a client as
 * {@code nobody} with {@code setpriv}, and an agent as {@code nobody} for root to knock at. Everything the
 * other user runs (the client's and the application's class files, the agent jar) is copied to a directory
 * it may read, so that only the channel's own guards are tested.
 */
class ChannelUsersIT {
    private static final int NOBODY = 65534;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    /** Open to everyone (mode 0755), as /tmp is: the channel's directory inside it must do the guarding. */
    private Path base;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void asRootWithSetpriv() throws IOException {
        Assumptions.assumeTrue(ChannelDirectory.euid() == 0, "runs a client as another user: needs root (CI is)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv")),
                "needs setpriv (util-linux)");
        base = Files.createTempDirectory(Path.of("/tmp"), "dirtypages-channel-it");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (Process p : started) {
            p.destroyForcibly();
        }
        if (base != null) {
            try (Stream<Path> all = Files.walk(base)) {
                all.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void anotherUserCannotReachTheSocket() throws Exception {
        Path channel = base.resolve("channel");
        Path stop = base.resolve("stop");
        ChildJvm.Running target = ChildJvm.in(dir).agent("channel=" + channel)
                .args("-cp", ChildJvm.testClasses().toString(), ChannelTarget.class.getName(), stop.toString())
                .start();
        try {
            target.awaitLine("STATE", WAIT);
            Path socket = channel.resolve(ChannelServer.socketName(target.pid()));
            assertTrue(Files.exists(socket), "no socket " + socket + "\n" + target.stderr());
            Path probe = copyClasses(base.resolve("probe"), ChannelProbe.class);

            Result owner = run(List.of(), probe, socket, "REGIONS");
            assertEquals(0, owner.exit, owner.toString());
            assertTrue(owner.output.contains("GREETING OK 0 HELLO version=2 pid=" + target.pid()), owner.toString());

            Result other = run(asNobody(), probe, socket, "REGIONS");
            assertEquals(4, other.exit, other.toString());
            assertTrue(other.output.contains("Permission denied"), other.toString());
            // The same user reaches base/: what keeps it out is the channel's directory, not the way to it.
            Result control = run(asNobody(), probe, base.resolve("no-such.sock"));
            assertEquals(4, control.exit, control.toString());
            assertTrue(!control.output.contains("Permission denied"), control.toString());
        } finally {
            Files.createFile(stop);
            target.await(WAIT);
        }
    }

    @Test
    void rootIsRefusedByTheChannelOfAnotherUser() throws Exception {
        Path home = Files.createDirectory(base.resolve("nobody"));
        Files.setAttribute(home, "unix:uid", NOBODY);
        Path agent = Files.copy(ChildJvm.agentJar(), base.resolve("dirtypages-agent.jar"));
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rw-r--r--"));
        Path app = copyClasses(base.resolve("app"), ChannelTarget.class);
        Path probe = copyClasses(base.resolve("probe"), ChannelProbe.class);
        Path channel = home.resolve("channel");
        Path stop = base.resolve("stop");
        Path out = dir.resolve("nobody-jvm.txt");
        List<String> command = new ArrayList<>(asNobody());
        command.addAll(List.of(ChildJvm.java().toString(), "-XX:-UsePerfData", "-javaagent:" + agent + "=channel=" + channel,
                "-cp", app.toString(), ChannelTarget.class.getName(), stop.toString()));
        Process jvm = start(command, out);
        try {
            Path socket = channel.resolve(ChannelServer.socketName(jvm.pid()));
            Await.until(WAIT, () -> Files.exists(socket), () -> !jvm.isAlive(),
                    () -> "no socket " + socket + ":\n" + readQuietly(out));
            assertEquals(String.valueOf(NOBODY), String.valueOf(Files.getAttribute(channel, "unix:uid")));

            Result root = run(List.of(), probe, socket, "REGIONS");
            assertEquals(3, root.exit, root.toString());
            assertTrue(root.output.contains("GREETING ERR refused: the peer runs as user root; this channel serves user "),
                    root.toString());

            Result owner = run(asNobody(), probe, socket, "REGIONS");
            assertEquals(0, owner.exit, owner.toString());
        } finally {
            Files.createFile(stop);
            assertTrue(jvm.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), read(out));
        }
        assertTrue(read(out).contains("dirtypages: channel refused a connection: the peer runs as user root"), read(out));
    }

    private static List<String> asNobody() {
        return List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups");
    }

    /** Copies the class files of {@code classes} (JDK-only, without nested classes) under {@code root}, readable by all. */
    private static Path copyClasses(Path root, Class<?>... classes) throws IOException {
        for (Class<?> c : classes) {
            String relative = c.getName().replace('.', '/') + ".class";
            Path target = root.resolve(relative);
            Files.createDirectories(target.getParent());
            Files.copy(ChildJvm.testClasses().resolve(relative), target, StandardCopyOption.REPLACE_EXISTING);
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return root;
    }

    private Result run(List<String> prefix, Path probe, Path socket, String... commands) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(ChildJvm.java().toString(), "-XX:-UsePerfData", "-cp", probe.toString(),
                ChannelProbe.class.getName(), socket.toString()));
        command.addAll(List.of(commands));
        Path out = Files.createTempFile(dir, "probe", ".txt");
        Process p = start(command, out);
        assertTrue(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the probe hung: " + read(out));
        return new Result(command, p.exitValue(), read(out));
    }

    private Process start(List<String> command, Path out) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("_JAVA_OPTIONS");
        Process p = builder.start();
        started.add(p);
        return p;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static String readQuietly(Path file) {
        try {
            return read(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private record Result(List<String> command, int exit, String output) {
        @Override
        public String toString() {
            return String.join(" ", command) + "\nexit " + exit + "\n" + output;
        }
    }
}
