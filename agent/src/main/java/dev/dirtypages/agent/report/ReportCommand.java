package dev.dirtypages.agent.report;

import dev.dirtypages.agent.report.html.HtmlReport;
import dev.dirtypages.agent.report.model.ModelReader;
import dev.dirtypages.agent.report.model.RecordingProblem;
import dev.dirtypages.agent.report.model.ReportModel;
import dev.dirtypages.agent.report.model.UnusableRecordingException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code java -jar dirtypages-agent.jar report app.jfr [-o app.html]}: writes the recording's HTML report and
 * prints its path. Every failure is one line on stderr and a non-zero exit code.
 */
public final class ReportCommand {
    static final String USAGE = "usage: java -jar dirtypages-agent.jar report <recording.jfr> [-o <report.html>]";

    private ReportCommand() {
    }

    /** Returns the exit code: 0 written, 1 failed, 2 usage. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path in = null;
        Path html = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-o") && i + 1 < args.length && html == null) {
                html = Path.of(args[++i]);
            } else if (in == null && !args[i].startsWith("-")) {
                in = Path.of(args[i]);
            } else {
                err.println(USAGE);
                return 2;
            }
        }
        if (in == null) {
            err.println(USAGE);
            return 2;
        }
        if (html == null) {
            html = defaultOutput(in);
        }
        ReportModel model;
        try {
            model = new ModelReader().read(in);
        } catch (IOException e) {
            err.println("dirtypages: " + RecordingProblem.describe(in, e));
            return 1;
        } catch (UnusableRecordingException e) {
            err.println("dirtypages: " + e.getMessage());
            return 1;
        }
        try (Writer w = Files.newBufferedWriter(html, StandardCharsets.UTF_8)) {
            HtmlReport.write(model, w);
        } catch (IOException e) {
            err.println("dirtypages: cannot write " + html + ": " + e);
            return 1;
        }
        out.println(html);
        return 0;
    }

    /** {@code app.jfr} gives {@code app.html} beside it. */
    static Path defaultOutput(Path recording) {
        String name = recording.getFileName().toString();
        String base = name.endsWith(".jfr") ? name.substring(0, name.length() - 4) : name;
        return recording.resolveSibling(base + ".html");
    }
}
