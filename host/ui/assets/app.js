// The streaming page: polls /api/v1/status and /api/v1/batches and redraws. Each chart records how
// many points it drew in data-points (the browser test reads it).
"use strict";

const REFRESH_MS = 1000;
const TABLE_ROWS = 50;
const TOP_WORDS = 8;
const charts = {};  // id -> Dygraph, made when the first batch arrives (dygraphs draws no empty chart)

function draw(id, label, color, data) {
  if (charts[id]) {
    charts[id].updateOptions({ file: data });
    return;
  }
  const div = document.getElementById(id);
  charts[id] = new Dygraph(div, data, {
    labels: ["batch time", label],
    colors: [color],
    fillGraph: true,
    drawPoints: true,
    pointSize: 1.5,
    legend: "follow",
    includeZero: true,
    axes: { x: { axisLabelWidth: 80 }, y: { axisLabelWidth: 60 } },
    drawCallback: (g) => { div.dataset.points = String(g.numRows()); },
  });
}

function text(v) { return typeof v === "number" ? v.toLocaleString("en-US") : String(v); }
function ms(v) { return v.toFixed(v < 10 ? 2 : 1); }
function batchTime(batchMs) {
  const d = new Date(batchMs), two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

function fillList(id, pairs) {
  const dl = document.getElementById(id);
  dl.replaceChildren(...pairs.flatMap(([k, v, cls]) => {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = text(v);
    if (cls) dd.className = cls;
    return [dt, dd];
  }));
}

function row(cells, tag) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement(tag || "td");
    td.textContent = text(c);
    tr.appendChild(td);
  }
  return tr;
}

function showStatus(s) {
  const per = s.batch_lines ? `${text(s.batch_lines)} lines` : `${s.batch_interval_ms / 1000} s`;
  document.getElementById("summary").textContent =
    `${s.source} · batches of ${per} · modes ${s.views.map((v) => v.mode).join(", ")}`;
  const r = s.receiver;
  fillList("receiver", [
    ["state", r.connected ? "connected" : "not connected", r.connected ? "connected" : "disconnected"],
    ["restarts", r.restarts],
    ["bytes received", r.bytes],
  ]);
  const t = s.totals;
  fillList("totals", [
    ["batches", t.batches], ["lines", t.lines], ["words", t.words], ["MB", (t.bytes / 1e6).toFixed(2)],
    ["checkpoints", t.checkpoints], ["dictionary words", s.dictionary_words],
    ["resident memory (MB)", (s.resident_memory_bytes / 1e6).toFixed(1)],
  ]);
  const views = document.getElementById("views");
  views.replaceChildren(...s.views.map((v) => {
    const table = document.createElement("table");
    const head = row([`${v.mode}`, v.batch_ms ? batchTime(v.batch_ms) : "no output yet"], "th");
    table.appendChild(head);
    for (const [word, count] of v.top.slice(0, TOP_WORDS)) table.appendChild(row([word, count]));
    table.appendChild(row([`${text(v.records)} records`, ""]));
    return table;
  }));
}

function showBatches(b) {
  const seconds = b.batch_interval_ms / 1000;
  const series = (f) => b.batches.map((x) => [new Date(x.batch_ms), f(x)]);
  if (b.batches.length > 0) {
    draw("chart-rate", "lines/s", "#1f77b4", series((x) => x.lines / seconds));
    draw("chart-delay", "scheduling delay (ms)", "#e25a1c", series((x) => x.scheduling_delay_ms));
    draw("chart-processing", "processing (ms)", "#2ca02c", series((x) => x.processing_ms));
    draw("chart-total", "total delay (ms)", "#9467bd", series((x) => x.total_delay_ms));
  }
  const recent = b.batches.slice(-TABLE_ROWS).reverse();
  document.querySelector("#batches tbody").replaceChildren(...recent.map((x) => row([
    batchTime(x.batch_ms), x.lines, x.words, x.distinct, (x.bytes / 1e6).toFixed(2),
    ms(x.processing_ms), ms(x.scheduling_delay_ms), ms(x.total_delay_ms),
  ])));
  document.getElementById("batch-count").textContent =
    `(last ${recent.length} of the ${b.batches.length} kept)`;
}

async function refresh() {
  try {
    const [status, batches] = await Promise.all(
      ["/api/v1/status", "/api/v1/batches"].map((u) => fetch(u, { cache: "no-store" }).then((r) => r.json())));
    showStatus(status);
    showBatches(batches);
  } catch (e) {
    document.getElementById("summary").textContent = `The stream is not reachable (${e.message}).`;
  }
  setTimeout(refresh, REFRESH_MS);
}

refresh();
