package dev.dirtypages.agent.bootstrap;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * The applications the integration tests run in child JVMs, from target/test-classes alone (never with
 * the agent's classes on their class path). Each prints {@code key=value} lines that the tests read.
 */
final class ChildApps {
    /** A JNA copy mapped into the process: {@code .../jna123.tmp (deleted)}, or a libjnidispatch. */
    private static final Pattern JNA_LIBRARY = Pattern.compile(".*(/jna-?\\d+\\.tmp|jnidispatch[^/]*)( \\(deleted\\))?$");

    private ChildApps() {
    }

    /** Prints its arguments and a line on stderr, and exits with 3. */
    static final class Trivial {
        public static void main(String[] args) {
            System.out.println("trivial app " + String.join(" ", args));
            System.err.println("trivial app's own stderr line");
            System.exit(3);
        }
    }

    /**
     * Prints how many copies of JNA's native library are mapped (the agent's, if it loaded). With args
     * {@code await <millis>}, first waits until the agent has started (see {@link #awaitAgent}) and then
     * lets it run that long.
     */
    static final class JnaMappings {
        public static void main(String[] args) throws Exception {
            if (args.length == 2 && args[0].equals("await")) {
                System.out.println("agentState=" + awaitAgent(60));
                Thread.sleep(Long.parseLong(args[1]));
            }
            System.out.println("jnaLibraries=" + jnaLibraries().size());
        }
    }

    /** An application with its own JNA and ByteBuddy on its class path, using both. */
    static final class OwnLibraries {
        /** The app's own JNA binding. */
        public interface CLibrary extends Library {
            int getpid();
        }

        public static void main(String[] args) throws Exception {
            System.out.println("agentRuntimeVisible=" + visible("dev.dirtypages.agent.runtime.AgentRuntime"));
            System.out.println("nativeHelperVisible=" + visible("dev.dirtypages.kernel.probe.CapabilityProbe"));
            System.out.println("byteBuddyAgentVisible=" + visible("net.bytebuddy.agent.ByteBuddyAgent"));
            System.out.println("agentResourceVisible="
                    + (ClassLoader.getSystemResource("dev/dirtypages/agent/runtime/AgentRuntime.class") != null));

            CLibrary c = Native.load("c", CLibrary.class);
            System.out.println("jnaGetpid=" + (c.getpid() == ProcessHandle.current().pid()));
            System.out.println("jnaFrom=" + location(Native.class));
            System.out.println("jnaResourceFrom="
                    + ClassLoader.getSystemResource("com/sun/jna/" + jnaPlatformDir() + "/libjnidispatch.so"));

            Class<?> type = new ByteBuddy()
                    .subclass(Object.class)
                    .method(ElementMatchers.named("toString"))
                    .intercept(FixedValue.value("made by the app's ByteBuddy"))
                    .make()
                    .load(OwnLibraries.class.getClassLoader())
                    .getLoaded();
            System.out.println("byteBuddyToString=" + type.getDeclaredConstructor().newInstance());
            System.out.println("byteBuddyFrom=" + location(ByteBuddy.class));
            System.out.println("jnaLibraries=" + jnaLibraries().size());
        }

        private static String jnaPlatformDir() {
            return "linux-" + ("amd64".equals(System.getProperty("os.arch")) ? "x86-64" : System.getProperty("os.arch"));
        }
    }

    /**
     * Waits until the agent is attached and started, up to the seconds in args[0]; with args[1] {@code jna},
     * first loads its own JNA (from its class path). With args[2], a path, it then waits on until that
     * file exists (so that a test can attach more than once) before it exits.
     */
    static final class WaitForAgent {
        public static void main(String[] args) throws Exception {
            if (args.length > 1 && args[1].equals("jna")) {
                // The application's own JNA, loaded before the agent arrives.
                OwnLibraries.CLibrary c = Native.load("c", OwnLibraries.CLibrary.class);
                System.out.println("jnaGetpid=" + (c.getpid() == ProcessHandle.current().pid()));
            }
            System.out.println("ready pid=" + ProcessHandle.current().pid());
            System.out.flush();
            int seconds = Integer.parseInt(args[0]);
            String state = awaitAgent(seconds);
            System.out.println("agentState=" + state);
            if (state == null) {
                System.exit(1);
            }
            if (args.length > 2) {
                long deadline = System.nanoTime() + seconds * 1_000_000_000L;
                while (!Files.exists(Path.of(args[2])) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }
            System.out.println("jnaLibraries=" + jnaLibraries().size());
        }
    }

    /**
     * Waits until the agent has finished starting: {@code AgentRuntime} then sets the system property
     * {@code dirtypages.state} (tracking, reduced, off or idle). Returns it, or null after {@code seconds}.
     */
    static String awaitAgent(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            String state = System.getProperty("dirtypages.state");
            if (state != null) {
                return state;
            }
            Thread.sleep(20);
        }
        return null;
    }

    private static boolean visible(String className) {
        return attempt(() -> Class.forName(className)) != null;
    }

    private static <T> T attempt(Callable<T> call) {
        try {
            return call.call();
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    private static String location(Class<?> c) {
        CodeSource source = c.getProtectionDomain().getCodeSource();
        return source == null ? "?" : String.valueOf(source.getLocation());
    }

    /** The distinct files of JNA's native library mapped into this process. */
    static Set<String> jnaLibraries() throws IOException {
        Set<String> files = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] fields = line.trim().split("\\s+", 6);
            if (fields.length == 6 && JNA_LIBRARY.matcher(fields[5]).matches()) {
                files.add(fields[5]);
            }
        }
        return files;
    }
}
