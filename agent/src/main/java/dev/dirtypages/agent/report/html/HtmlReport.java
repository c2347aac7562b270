package dev.dirtypages.agent.report.html;

import dev.dirtypages.agent.report.model.Heatmap;
import dev.dirtypages.agent.report.model.ReportModel;
import dev.dirtypages.agent.report.model.ReportModel.BlockSummary;
import dev.dirtypages.agent.report.model.ReportModel.Collection;
import dev.dirtypages.agent.report.model.ReportModel.GcScan;
import dev.dirtypages.agent.report.model.ReportModel.Pause;
import dev.dirtypages.agent.report.model.ReportModel.RateSeries;
import dev.dirtypages.agent.report.model.TimeAxis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Renders a {@link ReportModel} as one self-contained HTML page: the template, its style and script and the
 * vendored uPlot inline; the model as JSON; the heatmap's cells as deflated binary planes in base64 (the page
 * inflates them with the browser's DecompressionStream).
 */
public final class HtmlReport {
    /** The vendored charting library, pinned; its licence lies beside it. */
    static final String UPLOT_VERSION = "1.6.32";

    private HtmlReport() {
    }

    public static void write(ReportModel model, Writer out) throws IOException {
        String page = resource("report.html");
        String[][] parts = {
            {"@UPLOT_CSS@", resource("uPlot-" + UPLOT_VERSION + ".min.css")},
            {"@REPORT_CSS@", resource("report.css")},
            {"@TITLE@", escape(model.source())},
            {"@UPLOT_VERSION@", UPLOT_VERSION},
            {"@DATA@", json(model)},
            {"@CELLS@", cells(model.heatmap())},
            {"@UPLOT_JS@", resource("uPlot-" + UPLOT_VERSION + ".iife.min.js")},
            {"@REPORT_JS@", resource("report.js")},
        };
        int at = 0;
        while (at < page.length()) {
            int next = page.indexOf('@', at);
            if (next < 0) {
                out.write(page, at, page.length() - at);
                break;
            }
            out.write(page, at, next - at);
            String replacement = null;
            for (String[] p : parts) {
                if (page.startsWith(p[0], next)) {
                    replacement = p[1];
                    at = next + p[0].length();
                    break;
                }
            }
            if (replacement == null) {
                out.write('@');
                at = next + 1;
            } else {
                out.write(replacement);
            }
        }
    }

    static String json(ReportModel m) {
        Json j = new Json().begin();
        j.field("source", m.source()).field("origin", m.originEpochMillis());
        TimeAxis t = m.time();
        j.beginObject("time").field("scans", t.scanCount()).field("scansPerColumn", t.scansPerColumn())
                .array("start", t.startMillis()).array("end", t.endMillis()).array("firstScan", t.firstScanId())
                .array("count", t.scans()).end();
        Heatmap h = m.heatmap();
        j.beginObject("heatmap").beginArray("lanes");
        for (Heatmap.Lane lane : h.lanes()) {
            j.begin().field("name", lane.name()).field("detail", lane.detail()).field("firstRow", lane.firstRow())
                    .field("rows", lane.rowCount()).field("heap", lane.heap()).end();
        }
        j.endArray();
        int n = h.rows().size();
        long[] lane = new long[n];
        long[] start = new long[n];
        long[] end = new long[n];
        long[] pages = new long[n];
        for (int r = 0; r < n; r++) {
            Heatmap.Row row = h.rows().get(r);
            lane[r] = row.lane();
            start[r] = row.start();
            end[r] = row.end();
            pages[r] = row.pages();
        }
        j.beginObject("rows").array("lane", lane).array("start", start).array("end", end).array("pages", pages).end();
        j.array("kinds", h.kinds()).array("reasons", h.reasons()).field("rowDescription", h.rowDescription()).end();
        j.beginArray("rates");
        for (RateSeries s : m.rates()) {
            j.begin().field("kind", s.kind()).field("assumed", s.assumed()).array("values", s.mibPerSecond()).end();
        }
        j.endArray();
        List<Collection> gcs = m.collections();
        j.beginObject("collections")
                .array("gcId", gcs.stream().mapToLong(Collection::gcId).toArray())
                .array("name", gcs.stream().map(Collection::name).toList())
                .array("cause", gcs.stream().map(Collection::cause).toList())
                .array("start", gcs.stream().mapToDouble(Collection::startMillis).toArray())
                .array("duration", gcs.stream().mapToDouble(Collection::durationMillis).toArray()).end();
        List<Pause> pauses = m.pauses();
        j.beginObject("pauses")
                .array("gcId", pauses.stream().mapToLong(Pause::gcId).toArray())
                .array("start", pauses.stream().mapToDouble(Pause::startMillis).toArray())
                .array("duration", pauses.stream().mapToDouble(Pause::durationMillis).toArray()).end();
        j.beginArray("gcScans");
        for (GcScan s : m.gcScans()) {
            j.begin().field("scanId", s.scanId()).field("gcId", s.gcId()).field("trigger", s.trigger())
                    .field("at", Math.round(s.atMillis())).end();
        }
        j.endArray();
        j.beginArray("blocks");
        for (BlockSummary b : m.blocks()) {
            j.begin().field("id", b.blockId()).field("kind", b.kind()).field("start", b.start()).field("size", b.size())
                    .field("site", b.site()).field("stack", b.stack()).field("writtenPages", b.writtenPages())
                    .field("scans", b.scansWritten()).field("freed", b.freed()).end();
        }
        j.endArray();
        ReportModel.Status st = m.status();
        j.beginObject("status").field("state", st.state()).field("options", st.options()).field("kernel", st.kernel())
                .array("problems", st.problems()).field("scans", st.scans()).field("trackedBytes", st.trackedBytes())
                .end();
        j.field("summary", m.summary()).array("notes", m.notes());
        return j.end().toString();
    }

    /** The cells as the page reads them: measured and assumed pages (int32 LE), kind and reason (bytes). */
    static String cells(Heatmap h) {
        int n = h.measured().length;
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(6);
        try (OutputStream out = new DeflaterOutputStream(deflated, deflater, 1 << 16)) {
            ByteBuffer ints = ByteBuffer.allocate(4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
            for (int[] plane : new int[][] {h.measured(), h.assumed()}) {
                for (int i = 0; i < n; i++) {
                    ints.putInt(plane[i]);
                    if (!ints.hasRemaining()) {
                        out.write(ints.array(), 0, ints.position());
                        ints.clear();
                    }
                }
                out.write(ints.array(), 0, ints.position());
                ints.clear();
            }
            out.write(h.kind());
            out.write(h.reason());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        return Base64.getMimeEncoder(120, new byte[] {'\n'}).encodeToString(deflated.toByteArray());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the agent jar lacks its report resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
