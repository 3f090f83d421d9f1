/*
 * The casebook page: search with facets and paging over /api/incidents, the
 * charts (charts.js) of what the filters select, and the incident view: the
 * record as a card and the notice text with every value's evidence marked.
 * State lives in the URL hash (#/?q=…&category=…&page=2, #/incident/12).
 * Notice text and every value from the casebook go into the page through
 * textContent and createTextNode only, never as markup.
 */
"use strict";

(function () {
  var L = null; /* labels.json */
  var FACETS = ["category", "org_kind", "data_class", "authority"];
  var PARAMS = ["q", "category", "org_kind", "data_class", "authority", "actor", "year", "page"];
  var PER_PAGE = 20;
  var $ = function (id) { return document.getElementById(id); };
  var seq = 0; /* a newer navigation drops the answers of an older one */
  var chartKey = null;

  function h(name, cls, text) {
    var n = document.createElement(name);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }

  function ja(table, key) {
    var t = L && L[table];
    return t && Object.prototype.hasOwnProperty.call(t, key) ? t[key] : "";
  }

  /* A label as text: "ランサムウェア ransomware". */
  function label(table, key) { return JkbCharts.label(L, table, key); }

  /* A label as nodes: the Japanese, then the English in a quieter span. */
  function labelNode(table, key) {
    var f = document.createDocumentFragment(), j = ja(table, key), en = String(key).replace(/_/g, " ");
    if (j) { f.appendChild(document.createTextNode(j + " ")); f.appendChild(h("span", "en", en)); }
    else f.appendChild(document.createTextNode(en));
    return f;
  }

  function ui(key) {
    var f = document.createDocumentFragment();
    f.appendChild(document.createTextNode((L.ui[key] || key) + " "));
    f.appendChild(h("span", "en", L.ui_en[key] || ""));
    return f;
  }

  function status(text, isError) {
    var s = $("status");
    s.textContent = text || "";
    s.className = isError ? "status error" : "status";
  }

  function api(path) {
    return fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) {
          var e = body && body.error ? body.error : { code: String(r.status), message: r.statusText };
          throw new Error(e.message + " (" + e.code + ")");
        }
        return body;
      });
    });
  }

  /* ------------------------------------------------------------ state */

  function parseHash() {
    var hsh = location.hash.replace(/^#/, "");
    var m = /^\/incident\/(\d+)$/.exec(hsh);
    if (m) return { view: "incident", id: m[1] };
    var qs = hsh.indexOf("?") >= 0 ? hsh.slice(hsh.indexOf("?") + 1) : "";
    var p = new URLSearchParams(qs), st = { view: "list" };
    PARAMS.forEach(function (k) { var v = p.get(k); if (v) st[k] = v; });
    return st;
  }

  function query(st, extra) {
    var p = new URLSearchParams();
    PARAMS.forEach(function (k) { if (st[k] && k !== "page") p.set(k, st[k]); });
    for (var k in extra || {}) p.set(k, extra[k]);
    return p.toString();
  }

  function go(st) {
    var qs = query(st, st.page && st.page !== "1" ? { page: st.page } : {});
    location.hash = "#/" + (qs ? "?" + qs : "");
  }

  /* ------------------------------------------------------------ facets */

  function fillSelect(sel, table, keys) {
    sel.textContent = "";
    var any = h("option", null, L.ui.any + " " + L.ui_en.any);
    any.value = "";
    sel.appendChild(any);
    keys.forEach(function (k) {
      var o = h("option", null, table ? label(table, k) : k);
      o.value = k;
      sel.appendChild(o);
    });
  }

  function setupFacets() {
    FACETS.forEach(function (f) { fillSelect($("f-" + f), f, Object.keys(L[f])); });
    fillSelect($("f-year"), null, []);
    /* years and actors come from the casebook itself */
    api("/api/stats?by=year").then(function (s) {
      var years = s.rows.map(function (r) { return r.label; }).filter(function (y) { return /^\d{4}$/.test(y); });
      years.sort().reverse();
      var cur = $("f-year").value;
      fillSelect($("f-year"), null, years);
      $("f-year").value = cur || parseHash().year || "";
    }).catch(function () {});
    api("/api/stats?by=actor").then(function (s) {
      var dl = $("actors");
      dl.textContent = "";
      s.rows.slice(0, 100).forEach(function (r) { var o = h("option"); o.value = r.label; dl.appendChild(o); });
    }).catch(function () {});
    var form = $("search");
    form.addEventListener("submit", function (ev) { ev.preventDefault(); submit(); });
    FACETS.concat(["year"]).forEach(function (f) { $("f-" + f).addEventListener("change", submit); });
    $("f-actor").addEventListener("change", submit);
    $("prev").addEventListener("click", function () { page(-1); });
    $("next").addEventListener("click", function () { page(1); });
  }

  function submit() {
    var st = { view: "list" };
    var q = $("q").value.trim();
    if (q) st.q = q;
    FACETS.concat(["year", "actor"]).forEach(function (f) { var v = $("f-" + f).value.trim(); if (v) st[f] = v; });
    go(st);
  }

  function page(d) {
    var st = parseHash();
    var p = Math.max(1, (parseInt(st.page || "1", 10) || 1) + d);
    st.page = String(p);
    go(st);
  }

  function showForm(st) {
    $("q").value = st.q || "";
    FACETS.concat(["year", "actor"]).forEach(function (f) { $("f-" + f).value = st[f] || ""; });
    if (st.year && $("f-year").value !== st.year) {
      /* the year list may not be there yet: keep the choice visible */
      var o = h("option", null, st.year);
      o.value = st.year;
      $("f-year").appendChild(o);
      $("f-year").value = st.year;
    }
  }

  /* ------------------------------------------------------------ list */

  function tags(table, keys, cls) {
    var d = h("div", "tags");
    keys.forEach(function (k) {
      var t = h("span", "tag " + (cls || ""));
      if (table === "category") t.style.borderLeftColor = JkbCharts.palette[k] || "#999";
      t.appendChild(labelNode(table, k));
      d.appendChild(t);
    });
    return d;
  }

  function fmtCount(n) { return n === null || n === undefined ? "—" : Number(n).toLocaleString("ja-JP"); }

  function cell(tr, cls, labelKey) {
    var td = h("td", cls);
    if (labelKey) td.setAttribute("data-label", L.ui[labelKey] + " " + L.ui_en[labelKey]);
    tr.appendChild(td);
    return td;
  }

  function renderRows(res) {
    var tb = $("results").tBodies[0];
    tb.textContent = "";
    if (!res.items.length) {
      var tr = h("tr", "empty-row"), td = h("td");
      td.colSpan = 5;
      td.appendChild(ui("no_results"));
      tr.appendChild(td);
      tb.appendChild(tr);
    }
    res.items.forEach(function (it) {
      var tr = h("tr");
      tr.setAttribute("data-id", it.id);
      cell(tr, "date", "date").textContent = it.published || "—";
      var org = cell(tr, "org", "org");
      var a = h("a", null, it.org || it.title || "#" + it.id);
      a.href = "#/incident/" + it.id;
      org.appendChild(a);
      if (it.title && it.org) org.appendChild(h("div", "en", it.title));
      cell(tr, "cats", "categories").appendChild(tags("category", it.categories, "cat"));
      cell(tr, "num", "affected").textContent = fmtCount(it.affected);
      cell(tr, "data", "data").appendChild(tags("data_class", it.data_classes));
      tb.appendChild(tr);
    });
    var pages = Math.max(1, res.pages);
    $("total").textContent = res.total.toLocaleString("ja-JP") + " " + L.ui.total + " / " + res.total + " " + L.ui_en.total;
    $("pageinfo").textContent = res.page + " / " + pages;
    $("prev").disabled = res.page <= 1;
    $("next").disabled = res.page >= pages;
  }

  function exportLinks(st) {
    var links = document.querySelectorAll(".foot a[href^='/api/export']");
    Array.prototype.forEach.call(links, function (a) {
      var f = /format=(\w+)/.exec(a.getAttribute("href"))[1];
      a.href = "/api/export?" + query(st, { format: f });
    });
  }

  function renderCharts(st, my) {
    var qs = query(st);
    if (chartKey === qs) return;
    chartKey = qs;
    document.body.setAttribute("data-charts", "loading");
    var amp = qs ? "&" + qs : "";
    var order = Object.keys(L.category);
    Promise.all([
      api("/api/stats?by=month&split=category" + amp),
      api("/api/stats/timing" + (qs ? "?" + qs : "")),
      api("/api/stats?by=data_class" + amp)
    ]).then(function (r) {
      if (my !== seq && chartKey !== qs) return;
      var box = $("chart-monthly");
      box.textContent = "";
      box.appendChild(JkbCharts.monthly(document, r[0].rows, { labels: L, order: order, title: L.ui_en.monthly,
                                                                 empty: L.ui.no_results }));
      box = $("chart-timing");
      box.textContent = "";
      box.appendChild(JkbCharts.histogram(document, r[1].histogram.bins, { title: L.ui_en.timing_hist,
                                                                           unit: L.ui.days + " days",
                                                                           empty: L.ui.no_results }));
      var fig = $("timing-figures");
      fig.textContent = "";
      r[1].timing.forEach(function (t) {
        var s = h("span", "fig");
        s.textContent = label("timing", t.name) + ": " + (t.n ? L.ui.median + " median " + t.median + " · p90 " +
                        t.p90 + " " + L.ui.days + " (n=" + t.n + ")" : "—");
        fig.appendChild(s);
        fig.appendChild(h("br"));
      });
      box = $("chart-data");
      box.textContent = "";
      box.appendChild(JkbCharts.bars(document, r[2].rows, { labels: L, table: "data_class", title: L.ui_en.top_data,
                                                             empty: L.ui.no_results }));
      document.body.setAttribute("data-charts", "ready");
    }).catch(function (e) {
      chartKey = null;
      status(L.ui.error + " Error: " + e.message, true);
      document.body.setAttribute("data-charts", "error");
    });
  }

  function showList(st, my) {
    $("incident-view").hidden = true;
    $("list-view").hidden = false;
    document.title = "事件簿 jikenbo — casebook";
    showForm(st);
    exportLinks(st);
    var pg = parseInt(st.page || "1", 10) || 1;
    status(L.ui.loading + " Loading…");
    document.body.setAttribute("data-state", "loading");
    api("/api/incidents?" + query(st, { page: pg, per_page: PER_PAGE })).then(function (res) {
      if (my !== seq) return;
      renderRows(res);
      status("");
      document.body.setAttribute("data-state", "list");
    }).catch(function (e) {
      if (my !== seq) return;
      status(L.ui.error + " Error: " + e.message, true);
      document.body.setAttribute("data-state", "error");
    });
    renderCharts(st, my);
  }

  /* ------------------------------------------------------------ incident */

  /* Evidence offsets count UTF-8 bytes of the notice text; the page's
   * strings count UTF-16 units. map[byte] = the unit index. */
  function byteMap(text) {
    var bytes = 0, i, cp;
    for (i = 0; i < text.length; i++) {
      cp = text.codePointAt(i);
      bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (cp > 0xffff) i++;
    }
    var map = new Uint32Array(bytes + 1), pos = 0;
    for (i = 0; i < text.length; i++) {
      cp = text.codePointAt(i);
      var n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      for (var k = 0; k < n; k++) map[pos + k] = i;
      pos += n;
      if (cp > 0xffff) i++;
    }
    map[bytes] = text.length;
    return map;
  }

  function isSpan(x) { return x && typeof x === "object" && typeof x.start === "number" && typeof x.end === "number"; }

  /* Every evidence span as {field, item, start, end}: item is the set key,
   * the list index, or null for a plain field. */
  function collectMarks(ev, map) {
    var marks = [], max = map.length - 1;
    function add(field, item, s) {
      if (!isSpan(s) || s.start < 0 || s.end > max || s.end <= s.start) return;
      marks.push({ field: field, item: item, start: map[s.start], end: map[s.end] });
    }
    function walk(field, item, v) {
      if (isSpan(v)) add(field, item, v);
      else if (Array.isArray(v)) v.forEach(function (x, i) { walk(field, Array.isArray(x) ? String(i) : item, x); });
      else if (v && typeof v === "object") for (var k in v) walk(field, k, v[k]);
    }
    for (var f in ev || {}) walk(f, null, ev[f]);
    return marks;
  }

  function fieldName(f) { return (ja("field", f) ? ja("field", f) + " " : "") + f.replace(/_/g, " "); }

  /* The text with each stretch covered by evidence in a <mark>. Stretches
   * are cut at every span edge, so overlapping spans both show. */
  function renderText(pre, text, marks) {
    pre.textContent = "";
    var cuts = [0, text.length];
    marks.forEach(function (m) { cuts.push(m.start, m.end); });
    cuts = cuts.filter(function (c, i, a) { return a.indexOf(c) === i; }).sort(function (a, b) { return a - b; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1];
      if (b <= a) continue;
      var on = [];
      marks.forEach(function (m, k) { if (m.start <= a && m.end >= b) on.push(k); });
      var piece = text.slice(a, b);
      if (!on.length) { pre.appendChild(document.createTextNode(piece)); continue; }
      var mk = h("mark", "ev", piece);
      mk.setAttribute("data-m", on.join(" "));
      mk.title = on.map(function (k) {
        var m = marks[k];
        return fieldName(m.field) + (m.item !== null && !/^\d+$/.test(m.item) ? ": " + m.item : "");
      }).filter(function (t, j, arr) { return arr.indexOf(t) === j; }).join("\n");
      pre.appendChild(mk);
    }
  }

  function highlight(pred) {
    var first = null;
    var marksEls = document.querySelectorAll("#notice-text mark.ev");
    Array.prototype.forEach.call(marksEls, function (el) {
      var on = el.getAttribute("data-m").split(" ").some(function (k) { return pred(+k); });
      el.classList.toggle("on", on);
      if (on && !first) first = el;
    });
    if (first) first.scrollIntoView({ block: "nearest" });
    return first;
  }

  /* A card value that shows its evidence on hover and click. */
  function hook(node, marks, field, item) {
    var has = marks.some(function (m) { return m.field === field && (item === null || m.item === item); });
    node.classList.add("field");
    if (!has) { node.classList.add("noev"); return node; }
    node.setAttribute("data-field", field);
    if (item !== null) node.setAttribute("data-item", item);
    node.tabIndex = 0;
    var pred = function (k) { return marks[k].field === field && (item === null || marks[k].item === item); };
    var show = function () {
      Array.prototype.forEach.call(document.querySelectorAll(".card .field.on"), function (e) { e.classList.remove("on"); });
      node.classList.add("on");
      highlight(pred);
    };
    node.addEventListener("mouseenter", show);
    node.addEventListener("focus", show);
    node.addEventListener("click", show);
    return node;
  }

  function dd(dl, field, content) {
    var dt = h("dt");
    dt.appendChild(labelNode("field", field));
    var d = h("dd");
    if (content === null || content === undefined || content === "") d.textContent = "—";
    else if (typeof content === "string" || typeof content === "number") d.textContent = String(content);
    else d.appendChild(content);
    dl.appendChild(dt);
    dl.appendChild(d);
    return d;
  }

  function setTags(marks, field, table, keys) {
    var d = h("div", "tags");
    (keys || []).forEach(function (k) {
      var t = h("span", "tag" + (table === "category" ? " cat" : ""));
      if (table === "category") t.style.borderLeftColor = JkbCharts.palette[k] || "#999";
      t.appendChild(labelNode(table, k));
      d.appendChild(hook(t, marks, field, k));
    });
    return keys && keys.length ? d : null;
  }

  function listTags(marks, field, values) {
    var d = h("div", "tags");
    (values || []).forEach(function (v, i) { d.appendChild(hook(h("span", "tag", v), marks, field, String(i))); });
    return values && values.length ? d : null;
  }

  function plain(marks, field, text) {
    if (text === null || text === undefined || text === "") return null;
    return hook(h("span", null, text), marks, field, null);
  }

  function sourceNode(n, rec) {
    var url = rec && rec.source && rec.source.url ? rec.source.url : /^https?:\/\//.test(n.source || "") ? n.source : null;
    if (url && /^https?:\/\//.test(url)) {
      var a = h("a", null, url);
      a.href = url;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      return a;
    }
    return h("span", null, n.source || "—");
  }

  function chainList(items, current) {
    if (!items.length) return null;
    var ul = h("ul", "chain");
    items.forEach(function (it) {
      var li = h("li");
      var txt = (it.published || "—") + " " + (it.title || it.org || "#" + it.id);
      if (String(it.id) === String(current)) { li.appendChild(h("strong", null, txt)); }
      else { var a = h("a", null, txt); a.href = "#/incident/" + it.id; li.appendChild(a); }
      ul.appendChild(li);
    });
    return ul;
  }

  /* The leak-site claims linked to the incident (`jikenbo claims link`):
   * when, which group, whom it names, how well it matches and why. */
  function claimList(items) {
    if (!items || !items.length) return null;
    var ul = h("ul", "chain claims");
    items.forEach(function (c) {
      var li = h("li");
      li.setAttribute("data-claim", c.id || "");
      li.appendChild(h("span", "when", c.claimed || "—"));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(h("strong", null, c.group || "?"));
      var who = [c.victim, c.domain].filter(function (x) { return x; }).join(" ");
      li.appendChild(document.createTextNode(" — " + (who || "?")));
      var fig = "score " + Number(c.score).toFixed(2);
      if (typeof c.delay_days === "number")
        fig += ", " + (c.delay_approx ? "~" : "") + c.delay_days + " days to disclosure";
      li.appendChild(h("span", "figures", " (" + fig + ")"));
      if (c.reason) li.title = c.reason;
      if (c.source) li.appendChild(h("div", "figures", c.source));
      ul.appendChild(li);
    });
    return ul;
  }

  /* The reporting obligations of the notice (the API's "assessment", as
   * `jikenbo assess` gives them): those that apply or may apply, with their
   * deadline, the date they were met and the status, and the words of the
   * notice each was read from. */
  function obligationsNode(a) {
    var box = h("section", "obligations");
    box.setAttribute("aria-label", "reporting obligations");
    var head = h("h3");
    head.appendChild(ui("obligations"));
    box.appendChild(head);
    if (!a) {
      box.appendChild(h("p", "figures", "—"));
      return box;
    }
    var meta = h("p", "figures");
    meta.appendChild(ui("regime"));
    meta.appendChild(document.createTextNode(": "));
    meta.appendChild(labelNode("regime", a.regime_jp || "unknown"));
    if (a.rule_set) {
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(ui("rules"));
      meta.appendChild(document.createTextNode(" " + a.rule_set));
    }
    box.appendChild(meta);
    var rows = (a.obligations || []).filter(function (o) { return o.applies !== "no"; });
    if (!rows.length) {
      var p = h("p", "none");
      p.appendChild(ui("none_applies"));
      box.appendChild(p);
      return box;
    }
    var ul = h("ul", "duties");
    rows.forEach(function (o) {
      var li = h("li", "duty " + (o.applies === "yes" ? "applies" : "may"));
      li.setAttribute("data-obligation", o.id);
      li.setAttribute("data-status", o.status);
      var top = h("div", "duty-head");
      top.appendChild(h("code", null, o.id));
      top.appendChild(document.createTextNode(" " + o.obligation + " → " + o.recipient + " "));
      var st = h("span", "status st-" + o.status);
      st.appendChild(labelNode("deadline_status", o.status));
      top.appendChild(st);
      var ap = h("span", "applies");
      ap.appendChild(labelNode("applies", o.applies));
      top.appendChild(ap);
      li.appendChild(top);
      var when = [];
      if (o.deadline && o.deadline !== "none") when.push(o.deadline + (o.clock ? " from " + o.clock + (o.start ? " " + o.start : "") : ""));
      if (o.due) when.push("due " + o.due);
      if (o.due_from) when.push("due " + o.due_from + "〜" + o.due_to);
      if (o.done) when.push("done " + o.done + (o.done_bound ? " (at the latest)" : ""));
      if (o.late_by) when.push("late by " + o.late_by + " " + (o.late_unit || "days").replace(/_/g, " "));
      if (when.length) li.appendChild(h("div", "figures", when.join(" · ")));
      if (o.cite) li.appendChild(h("div", "cite", o.cite + (o.note ? " — " + o.note : "")));
      var words = (o.because || []).filter(function (b) { return b.text; }).map(function (b) { return b.text; });
      if (words.length) {
        var w = h("div", "because");
        w.appendChild(ui("because"));
        w.appendChild(document.createTextNode(": " + words.filter(function (x, i) { return words.indexOf(x) === i; }).join(" · ")));
        li.appendChild(w);
      }
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }

  function renderCard(card, res, marks) {
    var n = res.notice, r = n.record || {};
    card.textContent = "";
    var title = h("h2");
    title.appendChild(hook(h("span", null, r.title || n.title || "#" + n.id), marks, "title", null));
    card.appendChild(title);
    var dl = h("dl");
    dd(dl, "case_id", plain(marks, "case_id", r.case_id || n.case_id));
    dd(dl, "org", plain(marks, "org", r.org));
    var ok = r.org_kind ? hook(h("span"), marks, "org_kind", null) : null;
    if (ok) ok.appendChild(labelNode("org_kind", r.org_kind));
    dd(dl, "org_kind", ok);
    dd(dl, "published", plain(marks, "published", r.published));
    dd(dl, "report_no", plain(marks, "report_no", r.report_no ? "第" + r.report_no + "報" : null));
    dd(dl, "categories", setTags(marks, "categories", "category", r.categories));
    var aff = null;
    if (r.affected !== null && r.affected !== undefined)
      aff = (ja("affected_qualifier", r.affected_qualifier) || "") + fmtCount(r.affected) + " 件";
    dd(dl, "affected", plain(marks, "affected", aff));
    dd(dl, "data_classes", setTags(marks, "data_classes", "data_class", r.data_classes));
    var ls = r.leak_status ? hook(h("span"), marks, "leak_status", null) : null;
    if (ls) ls.appendChild(labelNode("leak_status", r.leak_status));
    dd(dl, "leak_status", ls);
    dd(dl, "actors", listTags(marks, "actors", r.actors));
    dd(dl, "vectors", setTags(marks, "vectors", "vector", r.vectors));
    dd(dl, "cves", listTags(marks, "cves", r.cves));
    dd(dl, "authorities", setTags(marks, "authorities", "authority", r.authorities));
    if (r.timeline && r.timeline.length) {
      var ul = h("ul", "chain");
      r.timeline.forEach(function (e, i) {
        var li = hook(h("li"), marks, "timeline", String(i));
        li.appendChild(document.createTextNode(e.date + (e.date_end ? "〜" + e.date_end : "") + " "));
        li.appendChild(labelNode("event", e.event));
        if (e.to && e.to.length) li.appendChild(document.createTextNode(" → " + e.to.map(function (k) { return label("authority", k); }).join(", ")));
        ul.appendChild(li);
      });
      dd(dl, "timeline", ul);
    } else dd(dl, "timeline", null);
    dd(dl, "victims", listTags(marks, "victims", r.victims));
    var sd = r.secondary_damage ? hook(h("span"), marks, "secondary_damage", null) : null;
    if (sd) sd.appendChild(labelNode("secondary_damage", r.secondary_damage));
    dd(dl, "secondary_damage", sd);
    dd(dl, "measures", setTags(marks, "measures", "measure", r.measures));
    card.appendChild(dl);

    var more = h("dl");
    var dt = h("dt");
    dt.appendChild(ui("source"));
    var d = h("dd");
    d.appendChild(sourceNode(n, r));
    more.appendChild(dt);
    more.appendChild(d);
    [["incident", res.incident.notices], ["follow_ups", res.follow_ups], ["claims", res.claims]].forEach(function (p) {
      var t = h("dt");
      t.appendChild(ui(p[0]));
      var v = h("dd");
      var l = p[0] === "claims" ? claimList(p[1]) : chainList(p[1], n.id);
      if (l) v.appendChild(l); else v.textContent = "—";
      more.appendChild(t);
      more.appendChild(v);
    });
    card.appendChild(h("hr"));
    card.appendChild(obligationsNode(n.assessment));
    card.appendChild(h("hr"));
    card.appendChild(more);
  }

  function showIncident(id, my) {
    $("list-view").hidden = true;
    $("incident-view").hidden = false;
    status(L.ui.loading + " Loading…");
    document.body.setAttribute("data-state", "loading");
    api("/api/incidents/" + encodeURIComponent(id)).then(function (res) {
      if (my !== seq) return;
      var text = res.notice.text || "";
      var map = byteMap(text);
      var marks = collectMarks(res.notice.record && res.notice.record.evidence, map);
      renderText($("notice-text"), text, marks);
      renderCard($("card"), res, marks);
      /* clicking marked text lights up the fields it is evidence for */
      Array.prototype.forEach.call(document.querySelectorAll("#notice-text mark.ev"), function (mk) {
        mk.addEventListener("click", function () {
          var ks = mk.getAttribute("data-m").split(" ").map(Number);
          Array.prototype.forEach.call(document.querySelectorAll(".card .field"), function (f) {
            var fld = f.getAttribute("data-field"), it = f.getAttribute("data-item");
            f.classList.toggle("on", ks.some(function (k) {
              return marks[k].field === fld && (it === null || marks[k].item === it);
            }));
          });
          highlight(function (k) { return ks.indexOf(k) >= 0; });
        });
      });
      document.title = (res.notice.title || res.notice.org || "#" + id) + " — 事件簿 jikenbo";
      status("");
      document.body.setAttribute("data-state", "incident");
      window.scrollTo(0, 0);
    }).catch(function (e) {
      if (my !== seq) return;
      $("card").textContent = "";
      $("notice-text").textContent = "";
      status(L.ui.error + " Error: " + e.message, true);
      document.body.setAttribute("data-state", "error");
    });
  }

  function route() {
    var my = ++seq, st = parseHash();
    if (st.view === "incident") showIncident(st.id, my);
    else showList(st, my);
  }

  function start() {
    api("/labels.json").then(function (labels) {
      L = labels;
      setupFacets();
      window.addEventListener("hashchange", route);
      route();
    }).catch(function (e) {
      status("Error: " + e.message, true);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
