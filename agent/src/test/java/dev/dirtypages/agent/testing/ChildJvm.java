package dev.dirtypages.agent.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Child JVMs for the integration tests: the test's own java, no inherited JVM options, output captured to
 * files (a chatty child never blocks on a full pipe), the test classes alone on the class path.
 */
public final class ChildJvm {
    public static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final List<String> command = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Path workDir;

    private ChildJvm(Path workDir) {
        this.workDir = workDir;
        command.add(java().toString());
    }

    /** A JVM whose output files go to {@code workDir}. */
    public static ChildJvm in(Path workDir) {
        return new ChildJvm(workDir);
    }

    public static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    public static int javaFeature() {
        return Runtime.version().feature();
    }

    /** target/dirtypages-agent.jar, built by the package phase. */
    public static Path agentJar() {
        return existing("dirtypages.agentJar");
    }

    /** A library jar the failsafe configuration names in a system property. */
    public static Path existing(String property) {
        String value = System.getProperty(property);
        assertTrue(value != null && !value.isEmpty(), "system property " + property + " is not set (run with mvn verify)");
        Path path = Path.of(value);
        assertTrue(Files.isRegularFile(path), property + "=" + value + " does not exist");
        return path;
    }

    /** target/test-classes: the child applications, and nothing of the agent. */
    public static Path testClasses() {
        try {
            return Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String classPath(Path... entries) {
        return Arrays.stream(entries).map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    public ChildJvm args(String... args) {
        command.addAll(Arrays.asList(args));
        return this;
    }

    /**
     * Runs java through {@code launcher}, a command that ends by executing its arguments (seccomp-exec,
     * setpriv): its words go before java's, whenever this is called.
     */
    public ChildJvm launchedBy(List<String> launcher) {
        command.addAll(0, launcher);
        return this;
    }

    /** Sets an environment variable of the child. */
    public ChildJvm env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public ChildJvm agent(String options) {
        return args("-javaagent:" + agentJar() + (options == null ? "" : "=" + options));
    }

    public List<String> command() {
        return List.copyOf(command);
    }

    /** Runs to the end (or the timeout, which fails). */
    public Result run() throws IOException, InterruptedException {
        Running running = start();
        return running.await(TIMEOUT);
    }

    public Running start() throws IOException {
        Files.createDirectories(workDir);
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        // Picked-up options would print on stderr and change the child.
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.remove("_JAVA_OPTIONS");
        env.putAll(environment);
        return new Running(command(), builder.start(), out, err);
    }

    /** A started child. */
    public static final class Running {
        private final List<String> command;
        private final Process process;
        private final Path out;
        private final Path err;

        Running(List<String> command, Process process, Path out, Path err) {
            this.command = command;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        public String stdout() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        public String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        /** Waits until stdout has a line starting with {@code prefix}; fails if the child ends first or time runs out. */
        public void awaitLine(String prefix, Duration timeout) throws Exception {
            Await.until(timeout, () -> stdout().lines().anyMatch(l -> l.startsWith(prefix)), () -> !process.isAlive(),
                    () -> (process.isAlive() ? "no line '" + prefix + "'" : "child ended (exit " + process.exitValue()
                            + ") before printing '" + prefix + "'") + "\n" + describe());
        }

        public Result await(Duration timeout) throws IOException, InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("child did not end within " + timeout + "\n" + describe());
            }
            return new Result(command, process.exitValue(), stdout(), stderr());
        }

        public void kill() throws InterruptedException {
            process.destroyForcibly().waitFor();
        }

        /** Sends SIGTERM, as {@code kill <pid>} does; the JVM then runs its shutdown hooks. */
        public void terminate() {
            process.destroy();
        }

        /** The command and what the child printed so far, for a failure's message. */
        public String describe() {
            try {
                return "command: " + String.join(" ", command) + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr();
            } catch (IOException e) {
                return "command: " + String.join(" ", command) + "\n(its output is unreadable: " + e + ")";
            }
        }
    }

    /**
     * Checks that the agent in {@code r}'s child finished starting (the child printed {@code agentState=}).
     * With the kernel features required ({@code -Ddirtypages.requireKernelFeatures=true}, as CI runs), it
     * must be tracking; elsewhere a kernel without them leaves it "off", which is still a start.
     */
    public static void assertAgentStarted(Result r) {
        String state = r.value("agentState");
        assertTrue(state != null && !state.equals("null"), "the agent did not finish starting\n" + r);
        if (Boolean.getBoolean("dirtypages.requireKernelFeatures")) {
            assertTrue(state.equals("tracking"), "the agent is " + state + ", not tracking\n" + r);
        }
    }

    /** A finished child. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** The value of the first stdout line {@code key=value}, or null. */
        public String value(String key) {
            return stdout.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                    .findFirst().orElse(null);
        }

        /**
         * The stderr lines with "warning" in any case: the JDK's "WARNING: ..." (native access, sun.misc.Unsafe,
         * dynamic agents) and HotSpot's "... VM warning: ..." (e.g. CDS after appendToBootstrapClassLoaderSearch).
         */
        public List<String> warnings() {
            return stderr.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains("warning"))
                    .collect(Collectors.toList());
        }

        public List<String> stderrLines(String containing) {
            return stderr.lines().filter(l -> l.contains(containing)).collect(Collectors.toList());
        }

        @Override
        public String toString() {
            return "command: " + String.join(" ", command) + "\nexit: " + exitCode + "\nstdout:\n" + stdout
                    + "\nstderr:\n" + stderr;
        }
    }
}
