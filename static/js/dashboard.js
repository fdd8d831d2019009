// Dashboard charts (Apache ECharts, vendored). The data comes from the JSON block written by
// Django's json_script (id "dashboard-data"); no inline script, no style attributes in markup.
(function () {
  "use strict";

  function readData() {
    var el = document.getElementById("dashboard-data");
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function narrow() { return window.matchMedia("(max-width: 576px)").matches; }

  function baseOptions() {
    return {
      animation: false,
      textStyle: { fontFamily: "system-ui, 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll" }
    };
  }

  // Width in px of a value label (ECharts' default 12 px label font). containLabel makes room for
  // the axis labels only, not for a bar's value label at its end: without room on the right the
  // largest bar's label ran past the canvas and 4872 showed as 487.
  var measure = null;
  function textWidth(s) {
    if (!measure) measure = document.createElement("canvas").getContext("2d");
    measure.font = "12px " + baseOptions().textStyle.fontFamily;
    return Math.ceil(measure.measureText(String(s)).width);
  }

  function shorten(s, n) { return s && s.length > n ? s.slice(0, n) + "…" : s; }

  function completeness(d) {
    var c = d.completeness, L = d.labels, o = baseOptions();
    var cats = c.categories.map(function (s) { return shorten(s, 10); });
    o.yAxis = { type: "category", data: cats, inverse: true };
    o.xAxis = { type: "value", minInterval: 1 };
    o.series = [
      { name: L.on_time, type: "bar", stack: "n", data: c.on_time, color: "#198754" },
      { name: L.late, type: "bar", stack: "n", data: c.late, color: "#fd7e14" },
      { name: L.missing, type: "bar", stack: "n", data: c.missing, color: "#dc3545" }
    ];
    return { option: o, rows: cats.length };
  }

  function participants(d) {
    var p = d.participants, o = baseOptions();
    var cats = p.categories.map(function (s) { return shorten(s, narrow() ? 8 : 14); });
    o.legend = { show: false };
    o.grid.top = 8;
    // room for the widest value label (label distance 5 px) beside the longest bar
    var widest = p.values.reduce(function (w, v) { return Math.max(w, textWidth(v)); }, 0);
    o.grid.right = 16 + widest + 5;
    o.yAxis = { type: "category", data: cats, inverse: true };
    o.xAxis = { type: "value", minInterval: 1 };
    o.series = [{ name: d.labels.participants, type: "bar", data: p.values, color: "#0d6efd",
      label: { show: true, position: "right" } }];
    return { option: o, rows: cats.length };
  }

  function main(d) {
    var m = d.main, o = baseOptions();
    var cats = m.categories.map(function (s) { return shorten(s, 10); });
    o.yAxis = { type: "category", data: cats, inverse: true };
    o.xAxis = { type: "value", minInterval: 1 };
    o.legend.formatter = function (name) { return shorten(name, narrow() ? 10 : 24); };
    o.series = m.series.map(function (s) { return { name: s.name, type: "bar", data: s.values }; });
    return { option: o, rows: cats.length * Math.max(1, Math.min(m.series.length, 3)) };
  }

  var builders = { completeness: completeness, participants: participants, main: main };
  var charts = [];

  function draw() {
    var data = readData();
    if (!data || !window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.getAttribute("data-chart")];
      if (!build) return;
      var spec = build(data);
      // Height through the DOM (CSP forbids style attributes in markup, not CSSOM).
      el.style.height = Math.max(220, 60 + spec.rows * 28) + "px";
      el.style.width = "100%";
      var chart = window.echarts.init(el, null, { renderer: "canvas", locale: "ZH" });
      chart.setOption(spec.option);
      el.setAttribute("data-drawn", "true");
      charts.push(chart);
    });
  }

  document.addEventListener("click", function (event) {
    var btn = event.target.closest ? event.target.closest("[data-chart-toggle]") : null;
    if (!btn) return;
    var card = btn.closest("[data-chart-card]");
    var chartEl = card.querySelector("[data-chart]");
    var table = card.querySelector("[data-chart-table]");
    var showTable = table.classList.contains("d-none");
    table.classList.toggle("d-none", !showTable);
    chartEl.classList.toggle("d-none", showTable);
    btn.setAttribute("aria-pressed", showTable ? "true" : "false");
    var labels = (readData() || {}).labels || {};
    btn.textContent = showTable ? (labels.chart || "图表") : (labels.table || "表格");
    if (!showTable) charts.forEach(function (c) { c.resize(); });
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
