package dev.dirtypages.agent.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the failures the agent must survive for real, around a child JVM: {@code src/test/c/seccomp-exec.c}
 * (compiled here with gcc, once per test run) installs a seccomp filter that refuses userfaultfd (EPERM, as
 * Docker's default profile does) or the PAGEMAP_SCAN ioctl (ENOTTY, as a kernel older than 6.7 does), and
 * setpriv runs the JVM as an unprivileged user to whom /dev/userfaultfd is closed.
 */
public final class SeccompLauncher {
    private static Path built;

    private SeccompLauncher() {
    }

    /** What the filter refuses. */
    public enum Deny {
        USERFAULTFD("--deny-userfaultfd"),
        PAGEMAP_SCAN("--deny-pagemap-scan");

        final String flag;

        Deny(String flag) {
            this.flag = flag;
        }
    }

    /** The launcher words that run a command with {@code denied} refused. Skips the test without gcc. */
    public static List<String> denying(Deny... denied) throws IOException, InterruptedException {
        List<String> words = new ArrayList<>();
        words.add(executable().toString());
        for (Deny d : denied) {
            words.add(d.flag);
        }
        words.add("--");
        return words;
    }

    /**
     * The launcher words that run a command as {@code nobody:nogroup} with no supplementary groups (root
     * ignores file permissions, so only another user shows a closed /dev/userfaultfd). The child's work
     * directory must be writable by that user: see {@link #openToAll}.
     */
    public static List<String> asNobody() {
        require(isRoot(), "running as another user needs root (this is uid " + uid() + ")");
        Path setpriv = onPath("setpriv");
        require(setpriv != null, "setpriv (util-linux) is missing; CI installs it");
        return List.of(setpriv.toString(), "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--");
    }

    /** Lets any user write {@code dir} (a JUnit temporary directory is private to its creator). */
    public static Path openToAll(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    /** Whether /dev/userfaultfd exists and is closed to other users (so that nobody cannot open it). */
    public static boolean deviceClosedToOthers() throws IOException {
        Path dev = Path.of("/dev/userfaultfd");
        return Files.exists(dev) && !Files.getPosixFilePermissions(dev).contains(
                java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
    }

    /**
     * Skips the test without what it needs to build the failure, or fails it where the kernel features are
     * required (CI runs with -Ddirtypages.requireKernelFeatures=true, and installs gcc and setpriv): a skip
     * there would hide that the failure modes went untested.
     */
    static void require(boolean condition, String reason) {
        if (Boolean.getBoolean("dirtypages.requireKernelFeatures")) {
            assertTrue(condition, reason + " (required: -Ddirtypages.requireKernelFeatures=true)");
        } else {
            assumeTrue(condition, reason);
        }
    }

    static boolean isRoot() {
        return "0".equals(uid());
    }

    private static String uid() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.split("\\s+")[1]).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /** target/seccomp-exec, compiled from src/test/c/seccomp-exec.c on first use. */
    public static synchronized Path executable() throws IOException, InterruptedException {
        if (built != null) {
            return built;
        }
        Path basedir = Path.of(System.getProperty("basedir", "."));
        Path source = basedir.resolve("src/test/c/seccomp-exec.c");
        Path target = basedir.resolve("target/seccomp-exec");
        Path gcc = onPath("gcc");
        require(gcc != null, "gcc is missing, so the seccomp launcher cannot be built (CI installs gcc)");
        Files.createDirectories(target.getParent());
        Path log = Files.createTempFile(target.getParent(), "gcc", ".log");
        Process p = new ProcessBuilder(gcc.toString(), "-O2", "-Wall", "-Wextra", "-Werror", "-o", target.toString(),
                source.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("gcc could not build " + source + ":\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        Files.deleteIfExists(log);
        built = target;
        return built;
    }

    private static Path onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
