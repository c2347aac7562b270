import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Time from starting a JVM to its {@code main}, with the agent and without: each run spawns {@code java}, whose
 * {@code main} prints one line as its first statement, and times spawn to that line (the JVM's start, the
 * agent's premain, loading the main class). Variants are interleaved, in an order rotated every round, so that
 * a disturbance hits all of them alike.
 *
 * <p>Usage: {@code java -cp <dir> StartupToMain <java> <agent.jar> <rounds> [<name>=<agent options>|none ...]}.
 * As the child: {@code StartupToMain --main}.
 */
public final class StartupToMain {
    private StartupToMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--main")) {
            System.out.println("main");
            return;
        }
        String java = args[0];
        String agentJar = args[1];
        int rounds = Integer.parseInt(args[2]);
        Map<String, String> variants = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            variants.put(eq < 0 ? args[i] : args[i].substring(0, eq), eq < 0 ? null : args[i].substring(eq + 1));
        }
        if (variants.isEmpty()) {
            variants.put("none", null);
            variants.put("defaults", "");
            variants.put("heap", "regions=heap");
        }
        String classPath = StartupToMain.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        List<String> names = new ArrayList<>(variants.keySet());
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        names.forEach(n -> millis.put(n, new ArrayList<>()));
        for (int warm = 0; warm < 2; warm++) {
            for (String n : names) {
                run(java, agentJar, variants.get(n), classPath);
            }
        }
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < names.size(); k++) {
                String n = names.get((round + k) % names.size());
                millis.get(n).add(run(java, agentJar, variants.get(n), classPath));
            }
        }
        double base = median(millis.get(names.get(0)));
        System.out.printf(Locale.ROOT, "java: %s, %d rounds, variants interleaved%n", java, rounds);
        System.out.printf(Locale.ROOT, "%-10s %10s %10s %10s %12s%n", "variant", "median ms", "p10 ms", "p90 ms",
                "+ms median");
        for (String n : names) {
            List<Double> v = millis.get(n);
            System.out.printf(Locale.ROOT, "%-10s %10.1f %10.1f %10.1f %+12.1f%n", n, median(v), quantile(v, 0.1),
                    quantile(v, 0.9), median(v) - base);
        }
    }

    /** Milliseconds from spawning the JVM to the first line its main prints. */
    private static double run(String java, String agentJar, String agentOptions, String classPath)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java));
        if (agentOptions != null) {
            command.add("-javaagent:" + agentJar + (agentOptions.isEmpty() ? "" : "=" + agentOptions));
        }
        command.addAll(Arrays.asList("-cp", classPath, StartupToMain.class.getName(), "--main"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        long begin = System.nanoTime();
        Process p = pb.start();
        String line;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            line = out.readLine();
            long end = System.nanoTime();
            if (!"main".equals(line)) {
                throw new IllegalStateException(command + " printed " + line);
            }
            while (out.readLine() != null) {
                // Drain until the child exits.
            }
            p.waitFor();
            return (end - begin) / 1e6;
        }
    }

    private static double median(List<Double> v) {
        return quantile(v, 0.5);
    }

    private static double quantile(List<Double> v, double q) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }
}
