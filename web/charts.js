/*
 * The casebook's charts as SVG: incidents per month stacked by category, the
 * histogram of days from detection to publication, and top-N bars (data
 * classes). Shared by the page (app.js) and the report (inlined by
 * `jikenbo report`), so both draw the same figures from the same JSON.
 * Nodes are built with createElementNS and textContent only: labels come
 * from the casebook and are never parsed as markup.
 */
"use strict";

var JkbCharts = (function () {
  var SVG = "http://www.w3.org/2000/svg";

  /* One color per category, in the record's order; picked to stay apart
   * for the common kinds of colour blindness in the first eight. */
  var PALETTE = {
    ransomware: "#d62728", unauthorized_access: "#1f77b4", account_compromise: "#9467bd",
    malware: "#8c564b", phishing: "#e377c2", card_skimming: "#ff7f0e", ddos: "#7f7f7f",
    insider_misuse: "#bcbd22", misdelivery: "#17becf", misconfiguration: "#2ca02c",
    loss_theft: "#aec7e8", leak_claim: "#393b79", other: "#c7c7c7"
  };
  var ONE = "#4e79a7";

  function el(doc, name, attrs, text) {
    var n = doc.createElementNS(SVG, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) n.setAttribute(k, String(attrs[k]));
    if (text !== undefined) n.textContent = String(text);
    return n;
  }

  function html(doc, name, cls, text) {
    var n = doc.createElement(name);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = String(text);
    return n;
  }

  /* "ランサムウェア ransomware": the label of a key in a labels.json table. */
  function label(labels, table, key) {
    var t = labels && labels[table];
    var ja = t && Object.prototype.hasOwnProperty.call(t, key) ? t[key] : "";
    var en = String(key).replace(/_/g, " ");
    return ja ? ja + " " + en : en;
  }

  /* A round step for about n ticks up to max. */
  function step(max, n) {
    if (max <= n) return 1;
    var raw = max / n, p = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10)), m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  function frame(doc, w, h, title) {
    var svg = el(doc, "svg", { viewBox: "0 0 " + w + " " + h, "class": "chart", role: "img",
                                 preserveAspectRatio: "xMidYMid meet" });
    svg.appendChild(el(doc, "title", {}, title));
    return svg;
  }

  function yAxis(doc, svg, box, max) {
    var s = step(max, 5), top = Math.max(s, Math.ceil(max / s) * s);
    for (var v = 0; v <= top + 1e-9; v += s) {
      var y = box.y + box.h - (v / top) * box.h;
      svg.appendChild(el(doc, "line", { x1: box.x, x2: box.x + box.w, y1: y, y2: y, "class": "grid" }));
      svg.appendChild(el(doc, "text", { x: box.x - 4, y: y + 4, "class": "tick", "text-anchor": "end" }, v));
    }
    return top;
  }

  function legend(doc, keys, labels, table) {
    var ul = html(doc, "ul", "legend");
    keys.forEach(function (k) {
      var li = html(doc, "li");
      var sw = html(doc, "span", "swatch");
      var s = el(doc, "svg", { viewBox: "0 0 10 10", width: 10, height: 10 });
      s.appendChild(el(doc, "rect", { width: 10, height: 10, fill: PALETTE[k] || ONE }));
      sw.appendChild(s);
      li.appendChild(sw);
      li.appendChild(doc.createTextNode(label(labels, table, k)));
      ul.appendChild(li);
    });
    return ul;
  }

  function months(rows) {
    var seen = {}, list = [];
    rows.forEach(function (r) { if (/^\d{4}-\d{2}$/.test(r.label)) seen[r.label] = r; });
    var keys = Object.keys(seen).sort();
    if (!keys.length) return list;
    var y = +keys[0].slice(0, 4), m = +keys[0].slice(5, 7);
    var last = keys[keys.length - 1];
    /* every month between the first and the last, empty ones included, so
     * that the x axis is time and a quiet month shows as a gap */
    for (var guard = 0; guard < 1200; guard++) {
      var k = y + "-" + (m < 10 ? "0" : "") + m;
      list.push(seen[k] || { label: k, count: 0, split: {} });
      if (k === last) break;
      if (++m > 12) { m = 1; y++; }
    }
    return list;
  }

  /* rows: /api/stats?by=month&split=category .rows; order: category keys. */
  function monthly(doc, rows, opts) {
    opts = opts || {};
    var labels = opts.labels, order = opts.order || Object.keys(PALETTE);
    var list = months(rows || []);
    var fig = html(doc, "figure", "chart-figure monthly");
    var W = 720, H = 260, box = { x: 40, y: 10, w: 670, h: 200 };
    var svg = frame(doc, W, H, opts.title || "incidents per month");
    fig.appendChild(svg);
    if (!list.length) {
      svg.appendChild(el(doc, "text", { x: W / 2, y: H / 2, "text-anchor": "middle", "class": "empty" }, opts.empty || "—"));
      return fig;
    }
    var max = 0, used = {};
    list.forEach(function (r) {
      var sum = 0;
      for (var k in r.split || {}) { sum += r.split[k]; used[k] = 1; }
      max = Math.max(max, sum, r.count);
    });
    var top = yAxis(doc, svg, box, max);
    var bw = box.w / list.length, gap = Math.min(2, bw * 0.15);
    var every = Math.max(1, Math.ceil(list.length / 12));
    list.forEach(function (r, i) {
      var x = box.x + i * bw + gap / 2, y = box.y + box.h;
      var g = el(doc, "g", { "class": "month", "data-month": r.label });
      var parts = order.filter(function (k) { return r.split && r.split[k]; });
      /* no split: one bar of the month's count */
      if (!parts.length && r.count) parts = [null];
      parts.forEach(function (k) {
        var v = k === null ? r.count : r.split[k];
        var h = (v / top) * box.h;
        y -= h;
        var rect = el(doc, "rect", { x: x.toFixed(2), y: y.toFixed(2), width: Math.max(0.5, bw - gap).toFixed(2),
                                     height: h.toFixed(2), fill: k ? PALETTE[k] || ONE : ONE, "class": "bar",
                                     "data-key": k || "all", "data-count": v });
        rect.appendChild(el(doc, "title", {}, r.label + " " + (k ? label(labels, "category", k) : "") + ": " + v));
        g.appendChild(rect);
      });
      svg.appendChild(g);
      if (i % every === 0)
        svg.appendChild(el(doc, "text", { x: (x + (bw - gap) / 2).toFixed(2), y: box.y + box.h + 16,
                                          "class": "tick", "text-anchor": "middle" },
                           every >= 12 ? r.label.slice(0, 4) : r.label));
    });
    svg.appendChild(el(doc, "line", { x1: box.x, x2: box.x + box.w, y1: box.y + box.h, y2: box.y + box.h, "class": "axis" }));
    var keys = order.filter(function (k) { return used[k]; });
    if (keys.length) fig.appendChild(legend(doc, keys, labels, "category"));
    return fig;
  }

  /* bins: /api/stats/timing .histogram.bins ({label: "8-14", count}). */
  function histogram(doc, bins, opts) {
    opts = opts || {};
    var fig = html(doc, "figure", "chart-figure histogram");
    var W = 720, H = 240, box = { x: 40, y: 10, w: 670, h: 180 };
    var svg = frame(doc, W, H, opts.title || "days from detection to publication");
    fig.appendChild(svg);
    bins = bins || [];
    var max = 0, n = 0;
    bins.forEach(function (b) { max = Math.max(max, b.count); n += b.count; });
    if (!n) {
      svg.appendChild(el(doc, "text", { x: W / 2, y: H / 2, "text-anchor": "middle", "class": "empty" }, opts.empty || "—"));
      return fig;
    }
    var top = yAxis(doc, svg, box, max);
    var bw = box.w / bins.length;
    bins.forEach(function (b, i) {
      var h = (b.count / top) * box.h, x = box.x + i * bw + 4;
      var rect = el(doc, "rect", { x: x.toFixed(2), y: (box.y + box.h - h).toFixed(2), width: (bw - 8).toFixed(2),
                                   height: h.toFixed(2), fill: ONE, "class": "bar", "data-key": b.label,
                                   "data-count": b.count });
      rect.appendChild(el(doc, "title", {}, b.label + " " + (opts.unit || "days") + ": " + b.count));
      svg.appendChild(rect);
      svg.appendChild(el(doc, "text", { x: (x + (bw - 8) / 2).toFixed(2), y: box.y + box.h + 16, "class": "tick",
                                        "text-anchor": "middle" }, b.label));
    });
    svg.appendChild(el(doc, "text", { x: box.x + box.w, y: H - 6, "class": "tick", "text-anchor": "end" },
                       opts.unit || "days"));
    svg.appendChild(el(doc, "line", { x1: box.x, x2: box.x + box.w, y1: box.y + box.h, y2: box.y + box.h, "class": "axis" }));
    return fig;
  }

  /* rows: /api/stats?by=data_class .rows; the first opts.top (10) of them. */
  function bars(doc, rows, opts) {
    opts = opts || {};
    var list = (rows || []).filter(function (r) { return r.count > 0 && r.label !== "unknown"; }).slice(0, opts.top || 10);
    var fig = html(doc, "figure", "chart-figure bars");
    var rowH = 24, W = 720, H = Math.max(60, list.length * rowH + 20), lw = 260;
    var svg = frame(doc, W, H, opts.title || "top values");
    fig.appendChild(svg);
    if (!list.length) {
      svg.appendChild(el(doc, "text", { x: W / 2, y: H / 2, "text-anchor": "middle", "class": "empty" }, opts.empty || "—"));
      return fig;
    }
    var max = list[0].count;
    list.forEach(function (r) { max = Math.max(max, r.count); });
    list.forEach(function (r, i) {
      var y = 10 + i * rowH, w = ((W - lw - 60) * r.count) / max;
      var name = opts.table ? label(opts.labels, opts.table, r.label) : r.label;
      svg.appendChild(el(doc, "text", { x: lw - 8, y: y + 15, "class": "tick name", "text-anchor": "end" }, name));
      var rect = el(doc, "rect", { x: lw, y: y + 3, width: Math.max(1, w).toFixed(2), height: rowH - 8, fill: ONE,
                                   "class": "bar", "data-key": r.label, "data-count": r.count });
      rect.appendChild(el(doc, "title", {}, name + ": " + r.count));
      svg.appendChild(rect);
      svg.appendChild(el(doc, "text", { x: (lw + w + 6).toFixed(2), y: y + 15, "class": "tick" }, r.count));
    });
    return fig;
  }

  return { monthly: monthly, histogram: histogram, bars: bars, label: label, palette: PALETTE };
})();
