/*
 * The report's charts: `jikenbo report` inlines this after charts.js, with
 * the figures in <script type="application/json" id="jkb-data">, so the
 * file draws the same SVG charts as the page without asking anything of the
 * network.
 */
"use strict";

(function () {
  function draw() {
    var src = document.getElementById("jkb-data");
    if (!src) return;
    var d = JSON.parse(src.textContent);
    var L = d.labels;
    var put = function (id, node) {
      var box = document.getElementById(id);
      if (!box) return;
      box.textContent = "";
      box.appendChild(node);
    };
    put("chart-monthly", JkbCharts.monthly(document, d.monthly.rows, { labels: L, order: Object.keys(L.category),
                                                                        title: L.ui_en.monthly }));
    put("chart-timing", JkbCharts.histogram(document, d.timing.histogram.bins, { title: L.ui_en.timing_hist,
                                                                                  unit: L.ui.days + " days" }));
    put("chart-data", JkbCharts.bars(document, d.data_classes.rows, { labels: L, table: "data_class",
                                                                       title: L.ui_en.top_data }));
    document.body.setAttribute("data-charts", "ready");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
