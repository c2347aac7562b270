package dev.dirtypages.agent.testapp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fork and exec under the agent: lists its own descriptors ({@code SELF <target>} lines), then starts two
 * children with ProcessBuilder, a shell and a JVM, each listing its own ({@code CHILD <which> <target>}), and
 * prints each child's exit code ({@code EXIT <which> <code>}). With {@code list} as the only argument it is
 * that JVM child: it prints its descriptors' targets and exits with 9.
 */
public final class SpawnChildren {
    private SpawnChildren() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("list")) {
            for (String target : descriptors()) {
                System.out.println(target);
            }
            System.exit(9);
        }
        System.out.println("STATE " + KnownHeapWrites.awaitAgent());
        for (String target : descriptors()) {
            System.out.println("SELF " + target);
        }
        run("shell", List.of("/bin/sh", "-c", "for f in /proc/self/fd/*; do readlink \"$f\"; done; exit 8"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        run("jvm", List.of(java, "-cp", System.getProperty("java.class.path"), SpawnChildren.class.getName(), "list"));
    }

    static void run(String which, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                System.out.println("CHILD " + which + " " + line.trim());
            }
        }
        System.out.println("EXIT " + which + " " + code);
    }

    /** Where each of this process's descriptors points ({@code anon_inode:[userfaultfd]}, a path, ...). */
    static List<String> descriptors() throws IOException {
        List<String> out = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    out.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException gone) {
                    // the listing's own descriptor, closed by now
                }
            }
        }
        return out;
    }
}
