package dev.dirtypages.agent.bootstrap;

import java.io.File;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code java -jar dirtypages-agent.jar ...}: attach the agent to a running JVM, summarize a recording or write its
 * HTML report. All run inside the isolated world (byte-buddy-agent attaches; the report package reads).
 */
public final class Cli {
    static final String SUMMARY_CLASS = "dev.dirtypages.agent.report.RecordingSummary";
    static final String REPORT_CLASS = "dev.dirtypages.agent.report.ReportCommand";
    static final String PROBE_CLASS = "dev.dirtypages.kernel.probe.CapabilityProbe";
    static final String ATTACH_CLASS = "net.bytebuddy.agent.ByteBuddyAgent";

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: java -jar dirtypages-agent.jar <pid> [options]      load the agent into the running JVM <pid>",
            "       java -jar dirtypages-agent.jar summary <file.jfr>   summarize a recording",
            "       java -jar dirtypages-agent.jar report <file.jfr> [-o <file.html>]",
            "                                                           write a recording's HTML report",
            "       java -jar dirtypages-agent.jar probe                what this kernel and process can do",
            "       java -javaagent:dirtypages-agent.jar[=options] ...  load the agent at startup",
            "options: key=value pairs joined by commas, e.g. interval=1s,file=/tmp/app.jfr (see docs/options.md)");

    /** What the command line asks for. */
    enum Kind { HELP, ATTACH, SUMMARY, REPORT, PROBE, USAGE_ERROR }

    /** A parsed command line. */
    record Command(Kind kind, String pid, String options, String[] rest) {
    }

    private Cli() {
    }

    static Command parse(String[] args) {
        if (args.length == 0) {
            return new Command(Kind.USAGE_ERROR, null, null, null);
        }
        String first = args[0];
        switch (first.toLowerCase(Locale.ROOT)) {
            case "-h":
            case "--help":
            case "help":
                return new Command(args.length == 1 ? Kind.HELP : Kind.USAGE_ERROR, null, null, null);
            case "summary":
                return new Command(Kind.SUMMARY, null, null, Arrays.copyOfRange(args, 1, args.length));
            case "report":
                return new Command(Kind.REPORT, null, null, Arrays.copyOfRange(args, 1, args.length));
            case "probe":
                return new Command(args.length == 1 ? Kind.PROBE : Kind.USAGE_ERROR, null, null, new String[0]);
            default:
                break;
        }
        if (isPid(first) && args.length <= 2) {
            return new Command(Kind.ATTACH, first, args.length == 2 ? args[1] : null, null);
        }
        return new Command(Kind.USAGE_ERROR, null, null, null);
    }

    private static boolean isPid(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return Long.parseLong(s) > 0;
    }

    /** Runs the command line; returns the exit code (0 done, 1 failed, 2 usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Command command = parse(args);
        switch (command.kind()) {
            case HELP:
                out.println(USAGE);
                return 0;
            case ATTACH:
                return attach(command, out, err);
            case SUMMARY:
                return summary(command, err);
            case REPORT:
                return report(command, out, err);
            case PROBE:
                return probe(command, err);
            default:
                err.println(USAGE);
                return 2;
        }
    }

    private static int attach(Command command, PrintStream out, PrintStream err) {
        File jar;
        try {
            IsolatedWorld world = AgentBootstrap.world(null);
            jar = world.jarPath().toFile();
            world.invokeStatic(ATTACH_CLASS, "attach", new Class<?>[] {File.class, String.class, String.class},
                    jar, command.pid(), command.options());
        } catch (Throwable t) {
            err.println("dirtypages: cannot attach to " + command.pid() + ": " + AgentBootstrap.describe(rootCause(t)));
            return 1;
        }
        out.println("dirtypages: agent loaded into JVM " + command.pid()
                + " (it reports on that JVM's stderr and in its JFR recordings)");
        return 0;
    }

    private static int summary(Command command, PrintStream err) {
        try {
            AgentBootstrap.world(null).invokeStatic(SUMMARY_CLASS, "main", new Class<?>[] {String[].class},
                    (Object) command.rest());
            return 0;
        } catch (Throwable t) {
            err.println("dirtypages: summary failed: " + AgentBootstrap.describe(t));
            return 1;
        }
    }

    private static int report(Command command, PrintStream out, PrintStream err) {
        try {
            return (Integer) AgentBootstrap.world(null).invokeStatic(REPORT_CLASS, "run",
                    new Class<?>[] {String[].class, PrintStream.class, PrintStream.class}, command.rest(), out, err);
        } catch (Throwable t) {
            err.println("dirtypages: report failed: " + AgentBootstrap.describe(t));
            return 1;
        }
    }

    /** Prints the capability report; exits 1 (from the probe) when write tracking is not available here. */
    private static int probe(Command command, PrintStream err) {
        try {
            AgentBootstrap.world(null).invokeStatic(PROBE_CLASS, "main", new Class<?>[] {String[].class},
                    (Object) command.rest());
            return 0;
        } catch (Throwable t) {
            err.println("dirtypages: probe failed: " + AgentBootstrap.describe(t));
            return 1;
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
