// The dirtypages report page: draws the model the generator wrote into #report-data and #report-cells.
// The generator has already downsampled; this script only draws what it is given, on a canvas (the heatmap)
// and with uPlot (the rates). window.dirtypagesReport exposes the model and the drawing to tests.
(function () {
  "use strict";

  const model = JSON.parse(document.getElementById("report-data").textContent);
  const time = model.time;
  const heat = model.heatmap;
  const ROWS = heat.rows.lane.length;
  const COLUMNS = time.start.length;
  const LABEL_WIDTH = 210;
  const GC_STRIP = 22;
  const AXIS = 22;
  const LANE_GAP = 6;
  const EMPTY = [243, 244, 246];
  const KIND_COLOURS = {
    "eden": [46, 160, 67], "survivor": [219, 171, 9], "old": [207, 34, 46], "humongous": [130, 80, 223],
    "free": [140, 149, 159], "young": [46, 160, 67], "heap": [9, 105, 218], "java-heap": [9, 105, 218],
    "direct-buffer": [191, 87, 0], "unsafe-memory": [153, 0, 102], "ffm-arena": [0, 128, 128], "all": [9, 105, 218]
  };
  const EXTRA_COLOURS = [[27, 124, 131], [188, 76, 0], [90, 50, 163], [160, 120, 0]];

  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c]));
  const hex = (n) => "0x" + n.toString(16);
  const seconds = (ms) => (ms / 1000).toFixed(ms < 10000 ? 3 : 1) + " s";
  const mib = (bytes) => bytes >= 1 << 30 ? (bytes / (1 << 30)).toFixed(2) + " GiB"
    : bytes >= 1 << 20 ? (bytes / (1 << 20)).toFixed(1) + " MiB" : (bytes / 1024).toFixed(0) + " KiB";

  function kindColour(name) {
    if (KIND_COLOURS[name]) return KIND_COLOURS[name];
    const i = heat.kinds.indexOf(name);
    return EXTRA_COLOURS[(i < 0 ? 0 : i) % EXTRA_COLOURS.length];
  }

  // Colours of a fraction written: measured from light orange to dark red, assumed from light to dark blue.
  const MEASURED = [[254, 217, 118], [253, 141, 60], [227, 26, 28], [128, 0, 38]];
  const ASSUMED = [[198, 219, 239], [107, 174, 214], [33, 113, 181], [8, 48, 107]];
  function ramp(stops, f) {
    const x = Math.min(1, Math.max(0, f)) * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(x));
    const t = x - i;
    return [0, 1, 2].map((k) => Math.round(stops[i][k] + (stops[i + 1][k] - stops[i][k]) * t));
  }
  function mix(c, f) {
    const t = 0.25 + 0.75 * Math.min(1, Math.max(0, f));
    return c.map((v, k) => Math.round(255 + (v - 255) * t));
  }

  // ---- the cells: deflated planes (measured Int32, assumed Int32, kind Uint8, reason Uint8), base64 ----
  async function decodeCells() {
    const cells = COLUMNS * ROWS;
    if (cells === 0) {
      return { measured: new Int32Array(0), assumed: new Int32Array(0), kind: new Uint8Array(0), reason: new Uint8Array(0) };
    }
    const text = document.getElementById("report-cells").textContent.trim();
    const raw = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream("deflate"));
    const buffer = await new Response(stream).arrayBuffer();
    const view = new DataView(buffer);
    const measured = new Int32Array(cells);
    const assumed = new Int32Array(cells);
    for (let i = 0; i < cells; i++) {
      measured[i] = view.getInt32(4 * i, true);
      assumed[i] = view.getInt32(4 * (cells + i), true);
    }
    const kind = new Uint8Array(buffer, 8 * cells, cells);
    const reason = new Uint8Array(buffer, 9 * cells, cells);
    return { measured, assumed, kind, reason };
  }

  // ---- layout: where each row and column lands on the canvas ----
  // The heap's rows share its height; an off-heap lane gets at least MIN_LANE pixels, however few its rows.
  const MIN_LANE = 12;
  const rowTop = new Float64Array(ROWS + 1);
  const rowHeight = new Float64Array(ROWS);
  let plotHeight = 0;
  function layoutRows() {
    const heapRows = heat.lanes.filter((l) => l.heap).reduce((n, l) => n + l.rows, 0);
    const heapRowHeight = Math.max(1, Math.min(14, Math.floor(720 / Math.max(1, heapRows))));
    let y = GC_STRIP;
    for (const lane of heat.lanes) {
      const h = lane.heap ? heapRowHeight : Math.max(heapRowHeight, Math.ceil(MIN_LANE / lane.rows));
      for (let r = lane.firstRow; r < lane.firstRow + lane.rows; r++) {
        rowTop[r] = y;
        rowHeight[r] = h;
        y += h;
      }
      y += LANE_GAP;
    }
    rowTop[ROWS] = y;
    plotHeight = y;
  }

  const view = { from: 0, to: COLUMNS ? time.end[COLUMNS - 1] : 1 };
  const full = { from: 0, to: view.to };
  let cells = null;
  let plotWidth = 600;
  const canvas = $("heat");
  const ctx = canvas.getContext("2d");

  const xOf = (ms) => LABEL_WIDTH + (ms - view.from) / (view.to - view.from) * plotWidth;
  const msOf = (x) => view.from + (x - LABEL_WIDTH) / plotWidth * (view.to - view.from);

  // Colours as RGBA words for the pixel buffer (little-endian: x86, ARM), looked up by the fraction in 256 steps.
  const rgba = (c) => (255 << 24 | c[2] << 16 | c[1] << 8 | c[0]) >>> 0;
  const STEPS = 256;
  const lut = (colourOf) => Uint32Array.from({ length: STEPS }, (_, k) => rgba(colourOf(k / (STEPS - 1))));
  const MEASURED_LUT = lut((f) => ramp(MEASURED, f));
  const ASSUMED_LUT = lut((f) => ramp(ASSUMED, f));
  const KIND_LUTS = heat.kinds.map((k) => lut((f) => mix(kindColour(k || "all"), f)));
  const step = (f) => Math.min(STEPS - 1, Math.round(f * (STEPS - 1)));

  /** A cell's colour as an RGBA word, or 0 when nothing in it was written. */
  function cellColour(c, r, byKind) {
    const i = c * ROWS + r;
    const m = cells.measured[i];
    const a = cells.assumed[i];
    if (m === 0 && a === 0) return 0;
    const capacity = heat.rows.pages[r] * time.count[c];
    if (byKind) return KIND_LUTS[cells.kind[i]][step((m + a) / capacity)];
    return m >= a ? MEASURED_LUT[step(m / capacity)] : ASSUMED_LUT[step(a / capacity)];
  }

  function draw() {
    const width = Math.max(400, $("heat-wrap").clientWidth);
    plotWidth = width - LABEL_WIDTH - 10;
    const height = plotHeight + AXIS;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.height = height + "px";
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
    drawCells(dpr);
    drawLabels();
    drawGcStrip();
    drawAxis(height);
    $("range-label").textContent = "showing " + seconds(view.from) + " to " + seconds(view.to);
    frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
  }

  // The cells straight into a pixel buffer (a fillRect per cell is too slow for a million cells): the lanes'
  // background is "not written", each written cell its colour, columns spanning their scans' intervals.
  let frame = null;
  function drawCells(dpr) {
    const left = Math.round(LABEL_WIDTH * dpr);
    const w = Math.round(plotWidth * dpr);
    const h = Math.round(plotHeight * dpr);
    if (w <= 0 || h <= 0) return;
    const image = ctx.createImageData(w, h);
    const pixels = new Uint32Array(image.data.buffer);
    const byKind = $("colour-mode").value === "kind";
    const white = rgba([255, 255, 255]);
    const empty = rgba(EMPTY);
    const y0 = new Int32Array(ROWS);
    const y1 = new Int32Array(ROWS);
    pixels.fill(white);
    for (let r = 0; r < ROWS; r++) {
      y0[r] = Math.round(rowTop[r] * dpr);
      y1[r] = Math.round((rowTop[r] + rowHeight[r]) * dpr);
      for (let y = y0[r]; y < y1[r]; y++) pixels.fill(empty, y * w, (y + 1) * w);
    }
    for (let c = 0; c < COLUMNS; c++) {
      if (time.end[c] < view.from || time.start[c] > view.to) continue;
      const x0 = Math.max(0, Math.floor((xOf(time.start[c]) - LABEL_WIDTH) * dpr));
      const x1 = Math.min(w, Math.max(x0 + 1, Math.floor((xOf(time.end[c]) - LABEL_WIDTH) * dpr)));
      for (let r = 0; r < ROWS; r++) {
        const v = cellColour(c, r, byKind);
        if (v === 0) continue;
        for (let y = y0[r]; y < y1[r]; y++) pixels.fill(v, y * w + x0, y * w + x1);
      }
    }
    ctx.putImageData(image, left, 0);
  }

  function drawLabels() {
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#1d2329";
    for (const lane of heat.lanes) {
      const top = rowTop[lane.firstRow];
      const bottom = rowTop[lane.firstRow + lane.rows - 1] + rowHeight[lane.firstRow + lane.rows - 1];
      let name = lane.name;
      while (ctx.measureText(name).width > LABEL_WIDTH - 14 && name.length > 4) name = name.slice(0, -2);
      ctx.fillText(name === lane.name ? name : name + "…", 4, lane.heap ? top + 8 : (top + bottom) / 2);
      if (lane.heap && bottom - top > 40) {
        ctx.fillStyle = "#5f6b76";
        ctx.fillText(hex(heat.rows.start[lane.firstRow]), 4, top + 24);
        ctx.fillText(hex(heat.rows.end[lane.firstRow + lane.rows - 1]), 4, bottom - 8);
        ctx.fillStyle = "#1d2329";
      }
    }
  }

  function drawGcStrip() {
    ctx.fillStyle = "#fafbfc";
    ctx.fillRect(LABEL_WIDTH, 0, plotWidth, GC_STRIP - 4);
    ctx.fillStyle = "#5f6b76";
    ctx.fillText("GC", LABEL_WIDTH - 24, 9);
    const gcs = model.collections;
    for (let i = 0; i < gcs.start.length; i++) {
      const s = gcs.start[i];
      if (s + gcs.duration[i] < view.from || s > view.to) continue;
      const x = xOf(s);
      const w = Math.max(1, xOf(s + gcs.duration[i]) - x);
      ctx.fillStyle = /old|full|major|mark|concurrent/i.test(gcs.name[i]) ? "rgba(130,80,223,0.55)" : "rgba(9,105,218,0.45)";
      ctx.fillRect(x, 2, w, 7);
    }
    const pauses = model.pauses;
    ctx.fillStyle = "rgba(207,34,46,0.85)";
    for (let i = 0; i < pauses.start.length; i++) {
      const s = pauses.start[i];
      if (s + pauses.duration[i] < view.from || s > view.to) continue;
      const x = xOf(s);
      ctx.fillRect(x, 10, Math.max(1, xOf(s + pauses.duration[i]) - x), 7);
    }
    ctx.fillStyle = "#1d2329";
    for (const scan of model.gcScans) {
      if (scan.at < view.from || scan.at > view.to) continue;
      const x = xOf(scan.at);
      ctx.beginPath();
      if (scan.trigger === "gc-start") { ctx.moveTo(x, 18); ctx.lineTo(x - 3, 21); ctx.lineTo(x + 3, 21); }
      else { ctx.moveTo(x, 21); ctx.lineTo(x - 3, 18); ctx.lineTo(x + 3, 18); }
      ctx.fill();
    }
  }

  function drawAxis(height) {
    const span = view.to - view.from;
    const target = span / Math.max(2, plotWidth / 110);
    const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000, 900000, 1800000, 3600000];
    const step = steps.find((s) => s >= target) || steps[steps.length - 1];
    ctx.fillStyle = "#5f6b76";
    ctx.textBaseline = "top";
    for (let t = Math.ceil(view.from / step) * step; t <= view.to; t += step) {
      const x = xOf(t);
      ctx.fillRect(x, plotHeight, 1, 4);
      const label = step >= 1000 ? (t / 1000) + " s" : (t / 1000).toFixed(step >= 100 ? 1 : step >= 10 ? 2 : 3) + " s";
      ctx.fillText(label, x - ctx.measureText(label).width / 2, plotHeight + 6);
    }
  }

  // ---- hover and zoom ----
  function columnAt(ms) {
    let lo = 0, hi = COLUMNS - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (time.end[mid] < ms) lo = mid + 1; else if (time.start[mid] > ms) hi = mid - 1; else return mid;
    }
    return -1;
  }
  function rowAt(y) {
    let lo = 0, hi = ROWS - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (rowTop[mid] + rowHeight[mid] <= y) lo = mid + 1; else if (rowTop[mid] > y) hi = mid - 1; else return mid;
    }
    return -1;
  }

  function cellText(c, r) {
    const i = c * ROWS + r;
    const lane = heat.lanes[heat.rows.lane[r]];
    const capacity = heat.rows.pages[r] * time.count[c];
    const m = cells.measured[i], a = cells.assumed[i];
    const scans = time.count[c] === 1 ? "scan #" + time.firstScan[c]
      : "scans #" + time.firstScan[c] + "-#" + (time.firstScan[c] + time.count[c] - 1);
    const lines = [
      seconds(time.start[c]) + " to " + seconds(time.end[c]) + " (" + scans + ")",
      lane.name + ": " + (heat.rows.end[r] > heat.rows.start[r]
        ? hex(heat.rows.start[r]) + "-" + hex(heat.rows.end[r]) + " (" + mib((heat.rows.end[r] - heat.rows.start[r])) + ")"
        : heat.rows.pages[r] + " pages"),
      "written: " + m + " pages measured" + (a > 0 ? ", " + a + " assumed" + (heat.reasons[cells.reason[i]] ? " (" + heat.reasons[cells.reason[i]] + ")" : "") : "")
        + " of " + capacity + " (" + (100 * (m + a) / capacity).toFixed(1) + "%)",
    ];
    if (m + a > 0 && heat.kinds[cells.kind[i]]) lines.push("kind: " + heat.kinds[cells.kind[i]]);
    return lines.join("\n");
  }

  const tooltip = $("tooltip");
  let drag = null;
  canvas.addEventListener("mousemove", (ev) => {
    const rect = canvas.getBoundingClientRect();
    const x = ev.clientX - rect.left, y = ev.clientY - rect.top;
    if (drag) {
      drag.x1 = Math.max(LABEL_WIDTH, Math.min(LABEL_WIDTH + plotWidth, x));
      ctx.putImageData(frame, 0, 0);
      ctx.fillStyle = "rgba(9,105,218,0.15)";
      ctx.fillRect(Math.min(drag.x0, drag.x1), 0, Math.abs(drag.x1 - drag.x0), plotHeight);
      return;
    }
    const c = x >= LABEL_WIDTH && x <= LABEL_WIDTH + plotWidth ? columnAt(msOf(x)) : -1;
    const r = rowAt(y);
    if (c < 0 || r < 0 || !cells) { tooltip.hidden = true; return; }
    tooltip.textContent = cellText(c, r);
    tooltip.hidden = false;
    const left = x + 14 + tooltip.offsetWidth > rect.width ? x - 14 - tooltip.offsetWidth : x + 14;
    tooltip.style.left = left + "px";
    tooltip.style.top = (y + 14) + "px";
  });
  canvas.addEventListener("mouseleave", () => { tooltip.hidden = true; });
  canvas.addEventListener("mousedown", (ev) => {
    const x = ev.clientX - canvas.getBoundingClientRect().left;
    if (x >= LABEL_WIDTH) drag = { x0: x, x1: x };
  });
  window.addEventListener("mouseup", () => {
    if (!drag) return;
    const a = Math.min(drag.x0, drag.x1), b = Math.max(drag.x0, drag.x1);
    drag = null;
    if (b - a >= 3) zoom(msOf(a), msOf(b)); else draw();
  });
  canvas.addEventListener("dblclick", () => zoom(full.from, full.to));
  $("reset-zoom").addEventListener("click", () => zoom(full.from, full.to));
  $("colour-mode").addEventListener("change", () => { draw(); legend(); });

  let plot = null;
  let syncing = false;
  let plotReady = false;
  function zoom(from, to) {
    view.from = Math.max(full.from, from);
    view.to = Math.min(full.to, to);
    if (view.to <= view.from) { view.from = full.from; view.to = full.to; }
    draw();
    if (plot && !syncing) {
      syncing = true;
      plot.setScale("x", { min: view.from / 1000, max: view.to / 1000 });
      syncing = false;
    }
  }

  // ---- the rate plot (uPlot) ----
  function rates() {
    const container = $("rates");
    if (model.rates.length === 0 || COLUMNS === 0) {
      container.innerHTML = "<p class=\"hint\">No writes to plot.</p>";
      return;
    }
    const xs = new Float64Array(COLUMNS);
    for (let c = 0; c < COLUMNS; c++) xs[c] = (time.start[c] + time.end[c]) / 2000;
    const data = [xs].concat(model.rates.map((s) => s.values));
    const series = [{ label: "time (s)", value: (u, v) => v == null ? "-" : v.toFixed(2) + " s" }].concat(model.rates.map((s) => {
      const c = kindColour(s.kind);
      return {
        label: s.kind + (s.assumed ? " assumed" : " measured"),
        stroke: "rgb(" + c.join(",") + ")",
        width: 1.5,
        dash: s.assumed ? [6, 4] : undefined,
        value: (u, v) => v == null ? "-" : v.toFixed(1) + " MiB/s",
      };
    }));
    const pauses = model.pauses;
    // A short interval (a shutdown or chunk-end scan) with whole stripes assumed written can rate a hundred
    // times the rest and flatten every other line: then the y axis stops at the rest's range, and says so.
    const all = [];
    model.rates.forEach((sr) => sr.values.forEach((v) => { if (v > 0) all.push(v); }));
    all.sort((a, b) => a - b);
    const top = all.length ? all[all.length - 1] : 0;
    const p99 = all.length ? all[Math.floor((all.length - 1) * 0.99)] : 0;
    const clip = all.length >= 10 && top > 3 * p99 ? p99 * 1.25 : 0;
    const opts = {
      width: Math.max(400, container.clientWidth),
      height: 260,
      series: series,
      scales: clip ? { x: { time: false }, y: { range: [0, clip] } } : { x: { time: false } },
      // the plot's area lines up with the heatmap's: the y axis takes the heatmap's label column
      padding: [8, 10, 0, 0],
      axes: [{ label: "seconds", values: (u, vals) => vals.map((v) => v + " s") }, { label: "MiB/s", labelSize: 30, size: LABEL_WIDTH - 30 }],
      cursor: { drag: { x: true, y: false } },
      hooks: {
        drawClear: [(u) => {
          // the GC pauses behind the lines
          const c = u.ctx;
          c.save();
          c.fillStyle = "rgba(207,34,46,0.18)";
          for (let i = 0; i < pauses.start.length; i++) {
            const x0 = u.valToPos(pauses.start[i] / 1000, "x", true);
            const x1 = u.valToPos((pauses.start[i] + pauses.duration[i]) / 1000, "x", true);
            if (x1 < u.bbox.left || x0 > u.bbox.left + u.bbox.width) continue;
            c.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
          }
          c.restore();
        }],
        setScale: [(u, key) => {
          if (key !== "x" || syncing || !plotReady) return;
          const min = u.scales.x.min, max = u.scales.x.max;
          syncing = true;
          zoom(min * 1000, max * 1000);
          syncing = false;
        }],
      },
    };
    plot = new uPlot(opts, data, container);
    if (clip) {
      const note = document.createElement("p");
      note.className = "hint";
      note.textContent = "The y axis stops at " + clip.toFixed(0) + " MiB/s; the highest rate, " + top.toFixed(0)
        + " MiB/s, is off the top (a short interval: hover it for its value).";
      container.appendChild(note);
    }
    // uPlot sets its scale to the data's range as it starts: show the heatmap's range instead
    syncing = true;
    plot.setScale("x", { min: view.from / 1000, max: view.to / 1000 });
    syncing = false;
    plotReady = true;
    container.addEventListener("dblclick", () => zoom(full.from, full.to));
  }

  // ---- the text panels ----
  function legend() {
    const parts = [];
    if ($("colour-mode").value === "kind") {
      for (const k of heat.kinds) {
        if (!k) continue;
        parts.push("<span><span class=\"swatch\" style=\"background:rgb(" + kindColour(k).join(",") + ")\"></span>" + esc(k) + "</span>");
      }
    } else {
      const grad = (stops) => "linear-gradient(to right," + stops.map((s) => "rgb(" + s.join(",") + ")").join(",") + ")";
      parts.push("<span>measured 0<span class=\"ramp\" style=\"background:" + grad(MEASURED) + "\"></span>100% of the cell's pages</span>");
      parts.push("<span>assumed 0<span class=\"ramp\" style=\"background:" + grad(ASSUMED) + "\"></span>100%"
        + (heat.reasons.length > 1 ? " (" + esc(heat.reasons.filter((r) => r).join(", ")) + ")" : "") + "</span>");
    }
    parts.push("<span><span class=\"swatch\" style=\"background:rgb(" + EMPTY.join(",") + ")\"></span>not written</span>");
    parts.push("<span><span class=\"swatch\" style=\"background:rgba(9,105,218,0.45)\"></span>collection</span>");
    parts.push("<span><span class=\"swatch\" style=\"background:rgba(207,34,46,0.85)\"></span>GC pause</span>");
    if (model.gcScans.length) parts.push("<span>▲▼ scans at a pause's start and end</span>");
    if (heat.rowDescription) parts.push("<span>heap: " + esc(heat.rowDescription) + "</span>");
    $("legend").innerHTML = parts.join("");
  }

  function panels() {
    const st = model.status;
    const cls = st.state === "tracking" ? "tracking" : st.state === "reduced" ? "reduced" : "other";
    const span = COLUMNS ? seconds(time.end[COLUMNS - 1]) : "0 s";
    $("status-line").innerHTML = "<span class=\"state " + cls + "\">" + esc(st.state) + "</span> "
      + esc(time.scans + " scans over " + span + ", from " + new Date(model.origin).toISOString());
    let html = "<dl><dt>options</dt><dd><code>" + esc(st.options || "-") + "</code></dd>"
      + "<dt>kernel</dt><dd>" + esc(st.kernel || "-") + "</dd>"
      + "<dt>tracked</dt><dd>" + esc(mib(st.trackedBytes)) + "</dd>";
    if (st.problems.length) {
      html += "<dt>problems</dt><dd class=\"problems\">" + st.problems.map(esc).join("<br>") + "</dd>";
    }
    $("status").innerHTML = html + "</dl>";

    if (model.blocks.length) {
      let rows = "";
      model.blocks.forEach((b, n) => {
        rows += "<tr><td class=\"num\">" + (n + 1) + "</td><td>" + esc(b.kind) + " #" + b.id + (b.freed ? " (freed)" : "")
          + "</td><td class=\"num\">" + mib(b.size) + "</td><td><code>" + hex(b.start) + "</code></td><td class=\"num\">"
          + b.writtenPages + " pages (" + mib(b.writtenPages * 4096) + ")</td><td class=\"num\">" + b.scans
          + "</td><td><details><summary><code>" + esc(b.site) + "</code></summary><pre>" + esc(b.stack || "(no stack trace)")
          + "</pre></details></td></tr>";
      });
      $("blocks").innerHTML = "<h2>Heaviest off-heap blocks</h2><table><thead><tr><th>#</th><th>block</th><th>size</th>"
        + "<th>address</th><th>written in all</th><th>scans written</th><th>allocated at</th></tr></thead><tbody>" + rows
        + "</tbody></table>";
    }
    if (model.notes.length) {
      $("notes").innerHTML = "<h2>Notes</h2><ul>" + model.notes.map((n) => "<li>" + esc(n) + "</li>").join("") + "</ul>";
    }
    $("summary").innerHTML = "<h2>Summary</h2><details><summary>the figures of <code>dirtypages-agent.jar summary</code></summary><pre>"
      + esc(model.summary) + "</pre></details>";
  }

  // ---- for tests: the model and where each cell is drawn ----
  const api = {
    columns: COLUMNS,
    rows: ROWS,
    model: model,
    cell(c, r) {
      const i = c * ROWS + r;
      return { measured: cells.measured[i], assumed: cells.assumed[i], kind: heat.kinds[cells.kind[i]] || "",
        reason: heat.reasons[cells.reason[i]] || "", pages: heat.rows.pages[r] * time.count[c] };
    },
    /** The centre of a cell in the page's CSS pixels (for mouse events), or null when it is not shown. */
    cellCentre(c, r) {
      const rect = canvas.getBoundingClientRect();
      const x0 = Math.max(LABEL_WIDTH, xOf(time.start[c])), x1 = Math.min(LABEL_WIDTH + plotWidth, xOf(time.end[c]));
      if (x1 < x0) return null;
      return { x: rect.left + (x0 + x1) / 2, y: rect.top + rowTop[r] + rowHeight[r] / 2 };
    },
    /** The colour drawn at a cell's centre, as [r, g, b]. */
    pixel(c, r) {
      const rect = canvas.getBoundingClientRect();
      const p = this.cellCentre(c, r);
      const dpr = canvas.width / rect.width;
      const d = ctx.getImageData(Math.floor((p.x - rect.left) * dpr), Math.floor((p.y - rect.top) * dpr), 1, 1).data;
      return [d[0], d[1], d[2]];
    },
    empty: EMPTY,
    tooltip: () => tooltip.hidden ? null : tooltip.textContent,
    zoom: zoom,
    view: () => ({ from: view.from, to: view.to }),
    plot: () => plot,
  };
  window.dirtypagesReport = api;

  layoutRows();
  panels();
  legend();
  api.ready = decodeCells().then((decoded) => {
    cells = decoded;
    draw();
    rates();
    window.addEventListener("resize", () => {
      draw();
      if (plot) plot.setSize({ width: Math.max(400, $("rates").clientWidth), height: 260 });
    });
    document.body.dataset.ready = "true";
    return true;
  });
})();
