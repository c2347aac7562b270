package dev.dirtypages.agent.report.html;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dirtypages.agent.report.model.Heatmap;
import dev.dirtypages.agent.report.model.ReportModel;
import dev.dirtypages.agent.report.model.TimeAxis;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
    private static ReportModel model(String note) {
        TimeAxis time = new TimeAxis(1, 1, new double[] {0}, new double[] {100}, new long[] {1}, new int[] {1});
        Heatmap heatmap = new Heatmap(List.of(new Heatmap.Lane("Java heap", "", 0, 1, true)),
                List.of(new Heatmap.Row(0, 0x1000, 0x2000, 1)), List.of("", "java-heap"), List.of(""), new int[] {1},
                new int[] {0}, new byte[] {1}, new byte[] {0}, "rows of 4 KiB");
        return new ReportModel("app.jfr", 0, time, heatmap, List.of(), List.of(), List.of(), List.of(), List.of(),
                new ReportModel.Status("tracking", "interval=1s", "6.18", List.of(), 1, 4096), "summary", List.of(note));
    }

    @Test
    void thePageLoadsNothingFromAnywhere() throws Exception {
        StringWriter out = new StringWriter();
        HtmlReport.write(model("a note"), out);
        String html = out.toString();
        assertFalse(html.contains("<script src"), "a script from elsewhere");
        assertFalse(html.contains("<link"), "a style sheet from elsewhere");
        assertFalse(html.contains("@import"), "an imported style");
        assertFalse(html.matches("(?s).*url\\((?!data:).*"), "a url() that is not data");
        assertTrue(html.contains("var uPlot="), "uPlot inline");
        assertTrue(html.contains("window.dirtypagesReport"), "the report's script inline");
        assertFalse(html.contains("@DATA@") || html.contains("@CELLS@"), "a placeholder left");
    }

    @Test
    void textFromTheRecordingCannotEndTheDataScript() throws Exception {
        StringWriter out = new StringWriter();
        HtmlReport.write(model("</script><script>alert(1)</script>"), out);
        assertFalse(out.toString().contains("<script>alert(1)"), "the note ended the data block");
    }
}
