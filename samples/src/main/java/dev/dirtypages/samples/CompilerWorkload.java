package dev.dirtypages.samples;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * An application-like load: the JDK's own compiler compiling a real source tree (this project's
 * native-helper, or a directory given) in a loop, into a scratch directory. Prints {@code RESULT} with
 * compilations per second.
 *
 * <p>Usage: {@code CompilerWorkload [seconds] [sourceDir] [classPath]}.
 */
public final class CompilerWorkload {
    private CompilerWorkload() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Workloads.awaitAgent();
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path sources = Path.of(args.length > 1 ? args[1] : "native-helper/src/main/java");
        String classPath = args.length > 2 ? args[2] : System.getProperty("java.class.path");
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(sources)) {
            walk.filter(p -> p.toString().endsWith(".java")).forEach(p -> files.add(p.toString()));
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no .java files under " + sources);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path out = Files.createTempDirectory("dirtypages-javac");
        OutputStream quiet = OutputStream.nullOutputStream();
        List<String> command = new ArrayList<>(List.of("-proc:none", "-nowarn", "-d", out.toString(), "-cp", classPath));
        command.addAll(files);
        Workloads.Meter meter = new Workloads.Meter(seconds);
        while (meter.running()) {
            int rc = javac.run(null, quiet, quiet, command.toArray(new String[0]));
            if (rc != 0) {
                throw new IllegalStateException("javac failed with " + rc + " on " + sources);
            }
            meter.batch(1);
        }
        meter.result("CompilerWorkload");
        try (Stream<Path> walk = Files.walk(out)) {
            walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
