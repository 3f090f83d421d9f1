/*
 * Browser tests of the casebook page in Debian's headless Chromium, driven by
 * playwright-core (no browser download): search, a facet, an incident with
 * its evidence marked, the charts, a notice full of markup that must stay
 * text, phone width, and the report file. A screenshot of each page goes to
 * JKB_SHOTS. Run by tests/web/run.sh, which starts the server.
 *
 * env: JKB_URL (the server), JKB_TOKEN (its write token), JKB_SHOTS (a folder),
 *      JKB_REPORT (a report file to open), JKB_MODULES (node_modules holding playwright-core)
 */
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require(path.resolve(process.env.JKB_MODULES, "playwright-core"));

const BASE = process.env.JKB_URL.replace(/\/$/, "");
const SHOTS = process.env.JKB_SHOTS;
const WAIT = { timeout: 20000 };
let passed = 0, failed = 0;

function check(name, ok, detail) {
  if (ok) { passed++; console.log("ok   " + name); }
  else { failed++; console.log("FAIL " + name + (detail !== undefined ? ": " + detail : "")); }
}

async function api(p) {
  const r = await fetch(BASE + p);
  return r.json();
}

/* A page that records what should never happen: script errors, console
 * errors (CSP violations among them), dialogs, requests off the server. */
async function watchedPage(ctx, viewport) {
  const page = await ctx.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.problems = [];
  page.on("console", (m) => { if (m.type() === "error") page.problems.push("console: " + m.text()); });
  page.on("pageerror", (e) => page.problems.push("pageerror: " + e.message));
  page.on("dialog", (d) => { page.problems.push("dialog: " + d.message()); d.dismiss().catch(() => {}); });
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(BASE + "/") && !u.startsWith("data:") && !u.startsWith("file:"))
      page.problems.push("request off the server: " + u);
  });
  return page;
}

async function shot(page, name) {
  const file = path.join(SHOTS, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log("     screenshot " + file);
}

async function listReady(page) {
  await page.waitForSelector("body[data-state=list]", WAIT);
}

async function rowsOf(page) {
  return page.$$eval("#results tbody tr[data-id]", (trs) => trs.map((tr) => ({
    id: tr.getAttribute("data-id"),
    org: tr.querySelector("td.org a").textContent,
    tags: tr.querySelector("td.cats").textContent
  })));
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "jkb-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 900 }
  });
  try {
    await run(ctx);
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function run(ctx) {
  const page = await watchedPage(ctx);

  /* ---- the list and the charts */
  const all = await api("/api/incidents");
  await page.goto(BASE + "/");
  await listReady(page);
  let rows = await rowsOf(page);
  check("the list shows the first page", rows.length === Math.min(all.total, 20) && rows.length > 0,
        rows.length + " rows, total " + all.total);
  check("rows come in the API's order", rows.map((r) => r.id).join() === all.items.map((i) => String(i.id)).join());
  await page.waitForSelector("body[data-charts=ready]", WAIT);
  const bars = await page.$$eval("#chart-monthly rect.bar", (rs) => rs.filter((r) => +r.getAttribute("height") > 0).length);
  check("the monthly chart has bars", bars > 0, bars);
  const stacked = await page.$$eval("#chart-monthly rect.bar", (rs) => new Set(rs.map((r) => r.getAttribute("data-key"))).size);
  check("the monthly bars are stacked by category", stacked > 1, stacked);
  const legend = await page.textContent("#chart-monthly .legend");
  check("the legend has Japanese labels with English beside them", /ランサムウェア ransomware/.test(legend), legend);
  const hist = await page.$$eval("#chart-timing rect.bar", (rs) => rs.filter((r) => +r.getAttribute("height") > 0).length);
  check("the detection-to-publication histogram has bars", hist > 0, hist);
  const dbars = await page.$$eval("#chart-data rect.bar", (rs) => rs.length);
  check("the data-class chart has bars", dbars > 0, dbars);
  await shot(page, "list.png");

  /* ---- paging: the next page holds the rest, in the API's order */
  {
    const p2 = await api("/api/incidents?page=2&per_page=20");
    check("the casebook holds more than a page", all.total > 20, all.total);
    await page.click("#next");
    /* the rows themselves, not only the hash: the old page stays until the new one is drawn */
    await page.waitForFunction((id) => location.hash.indexOf("page=2") > 0 && document.body.getAttribute("data-state") === "list"
                               && (document.querySelector("#results tbody tr[data-id]") || {}).getAttribute?.("data-id") === id,
                               String(p2.items[0].id), WAIT);
    const r2 = await rowsOf(page);
    check("the next page shows the API's second page", r2.length === p2.items.length && r2.length > 0
          && r2.map((r) => r.id).join() === p2.items.map((i) => String(i.id)).join(), r2.length + " / " + p2.items.length);
    const info = await page.textContent("#pageinfo");
    check("the pager says which page", /^2 \/ 2$/.test(info.trim()), info);
    check("the last page has no next", await page.isDisabled("#next") && !(await page.isDisabled("#prev")));
    await page.click("#prev");
    await page.waitForFunction((id) => location.hash.indexOf("page=2") < 0 && document.body.getAttribute("data-state") === "list"
                               && (document.querySelector("#results tbody tr[data-id]") || {}).getAttribute?.("data-id") === id,
                               String(all.items[0].id), WAIT);
    const r1 = await rowsOf(page);
    check("back to the first page", r1.map((r) => r.id).join() === all.items.map((i) => String(i.id)).join());
    await shot(page, "page2.png");
  }

  /* ---- the year facet */
  {
    const y = await api("/api/incidents?year=2022");
    await page.selectOption("#f-year", "2022");
    await page.waitForFunction((id) => location.hash.indexOf("year=2022") > 0 && document.body.getAttribute("data-state") === "list"
                               && (document.querySelector("#results tbody tr[data-id]") || {}).getAttribute?.("data-id") === id,
                               String((y.items[0] || {}).id), WAIT);
    const ry = await rowsOf(page);
    check("the year facet shows the API's rows of that year", y.total > 0 && ry.length === y.items.length
          && ry.map((r) => r.id).join() === y.items.map((i) => String(i.id)).join(), ry.length + " / " + y.total);
    const tot = await page.textContent("#total");
    check("the year's total is shown", tot.indexOf(String(y.total)) >= 0 && y.total < all.total, tot);
    await page.selectOption("#f-year", "");
    await page.waitForFunction((id) => location.hash.indexOf("year=") < 0 && document.body.getAttribute("data-state") === "list"
                               && (document.querySelector("#results tbody tr[data-id]") || {}).getAttribute?.("data-id") === id,
                               String(all.items[0].id), WAIT);
  }

  /* ---- search */
  const want = await api("/api/incidents?q=" + encodeURIComponent("誤送信"));
  await page.fill("#q", "誤送信");
  await page.press("#q", "Enter");
  await page.waitForFunction((id) => location.hash.indexOf("q=") > 0 && document.body.getAttribute("data-state") === "list"
                             && (document.querySelector("#results tbody tr[data-id]") || {}).getAttribute?.("data-id") === id,
                             String((want.items[0] || {}).id), WAIT);
  rows = await rowsOf(page);
  check("search finds what the API finds", want.total > 0 && rows.length === want.items.length
        && rows[0].id === String(want.items[0].id), JSON.stringify(rows.map((r) => r.org)));
  const total = await page.textContent("#total");
  check("the total is shown", total.indexOf(String(want.total)) >= 0, total);
  await shot(page, "search.png");

  /* ---- a facet */
  const cat = await api("/api/incidents?category=ransomware");
  await page.goto(BASE + "/#/");
  await listReady(page);
  await page.selectOption("#f-category", "ransomware");
  await page.waitForFunction((id) => location.hash.indexOf("category=ransomware") > 0 &&
                             document.body.getAttribute("data-state") === "list"
                             && (document.querySelector("#results tbody tr[data-id]") || {}).getAttribute?.("data-id") === id,
                             String((cat.items[0] || {}).id), WAIT);
  rows = await rowsOf(page);
  check("the category facet filters the rows", cat.total > 0 && rows.length === cat.items.length
        && rows.every((r) => r.tags.indexOf("ransomware") >= 0), JSON.stringify(rows));
  await page.waitForSelector("body[data-charts=ready]", WAIT);
  const keys = await page.$$eval("#chart-monthly rect.bar", (rs) => rs.map((r) => r.getAttribute("data-key")));
  check("the charts follow the facet", keys.indexOf("ransomware") >= 0, keys.join());
  await shot(page, "facet.png");

  /* ---- an incident with its evidence */
  await page.click("#results tbody tr[data-id] td.org a");
  await page.waitForSelector("body[data-state=incident]", WAIT);
  const marks = await page.$$("#notice-text mark.ev");
  check("the notice text has evidence marks", marks.length > 0, marks.length);
  check("the first evidence span is visible", marks.length > 0 && await marks[0].isVisible());
  const org = await page.$(".card [data-field=categories]");
  check("the card has a category with evidence", !!org);
  if (org) {
    await org.hover();
    await page.waitForSelector("#notice-text mark.ev.on", WAIT);
    const on = await page.$("#notice-text mark.ev.on");
    const box = on ? await on.boundingBox() : null;
    const vp = page.viewportSize();
    check("hovering a field lights its span in the text, in view", on && await on.isVisible() && box
          && box.y >= 0 && box.y < vp.height, JSON.stringify(box));
    const word = on ? await on.textContent() : "";
    const rec = await api("/api/incidents/" + (await page.evaluate(() => location.hash.split("/").pop())));
    const ev = rec.notice.record.evidence.categories || {};
    const texts = Object.keys(ev).reduce((a, k) => a.concat(ev[k].map((s) => s.text)), []);
    check("the lit span holds the evidence's words", texts.some((t) => t.indexOf(word) >= 0 || word.indexOf(t) >= 0),
          word + " / " + texts.join());
  }
  /* the reporting obligations, as the API's assessment gives them */
  {
    const id = await page.evaluate(() => location.hash.split("/").pop());
    const rec = await api("/api/incidents/" + id);
    const want = ((rec.notice.assessment || {}).obligations || []).filter((o) => o.applies !== "no");
    const shown = await page.$$eval(".card .obligations li.duty", (ls) => ls.map((l) =>
      l.getAttribute("data-obligation") + ":" + l.getAttribute("data-status")));
    check("the card lists the obligations that apply or may apply, with their status",
          rec.notice.assessment && want.length > 0 && shown.join() === want.map((o) => o.id + ":" + o.status).join(),
          shown.join() + " / " + want.map((o) => o.id + ":" + o.status).join());
    const head = await page.$eval(".card .obligations h3", (e) => e.textContent).catch(() => "");
    check("the obligations have a Japanese heading with English beside it", /報告義務/.test(head) && /Reporting obligations/.test(head), head);
  }
  await shot(page, "incident.png");

  /* clicking a marked word lights the fields it is evidence for */
  {
    const mk = await page.$("#notice-text mark.ev");
    if (mk) {
      await page.mouse.move(0, 0);
      await mk.click();
      const lit = await page.$$(".card .field.on");
      check("clicking a marked span lights its field on the card", lit.length > 0, lit.length);
    } else check("there is a marked span to click", false);
  }

  /* the leak-site claims linked to an incident, as the API gives them */
  {
    const found = await api("/api/incidents?q=" + encodeURIComponent("電子カルテ"));
    const hid = found.items.length ? found.items[found.items.length - 1].id : 0;
    const rec = hid ? await api("/api/incidents/" + hid) : {claims: []};
    await page.goto(BASE + "/#/incident/" + hid);
    await page.waitForSelector("body[data-state=incident]", WAIT);
    const shown = await page.$$eval(".card ul.claims li", (ls) => ls.map((l) => l.textContent + "|" + l.title));
    check("the card lists the incident's leak-site claims with group, victim and why", rec.claims.length > 0
          && shown.length === rec.claims.length && /LockBit/.test(shown[0]) && /医療法人翠嶺会/.test(shown[0])
          && shown[0].indexOf(rec.claims[0].reason) >= 0, JSON.stringify(shown) + " / " + rec.claims.length);
  }

  /* ---- a notice full of markup stays text */
  const xss = "【セキュリティ事件簿#2025-911】株式会社<script>window.__xss=2</script>ブラウザ検証 " +
              "不正アクセスによる個人情報漏えいのお知らせ 2025年7月5日\n\n" +
              "当社サーバーが不正アクセスを受け、お客様の氏名とメールアドレス約2,000件が漏えいした可能性があります。\n" +
              "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=3</script>" +
              "<svg onload=\"window.__xss=4\"></svg><a href=\"javascript:window.__xss=5\">link</a>\n" +
              "2025年6月30日に検知しました。\n";
  const r = await fetch(BASE + "/api/notices?source=" + encodeURIComponent("javascript:window.__xss=6"), {
    method: "POST", body: xss,
    headers: { Authorization: "Bearer " + process.env.JKB_TOKEN, "Content-Type": "text/plain; charset=utf-8" }
  });
  const posted = await r.json();
  check("the XSS notice is stored", r.status === 201 || r.status === 200, r.status + " " + JSON.stringify(posted).slice(0, 200));
  const xid = posted.notices[0].id;
  const xpage = await watchedPage(ctx);
  await xpage.goto(BASE + "/#/incident/" + xid);
  await xpage.waitForSelector("body[data-state=incident]", WAIT);
  await xpage.waitForTimeout(300);
  check("window.__xss is undefined on the incident page", await xpage.evaluate(() => typeof window.__xss) === "undefined");
  const inText = await xpage.$$eval("#notice-text img, #notice-text script, #notice-text svg, #card img, #card script",
                                    (n) => n.length);
  check("no element came from the notice's markup", inText === 0, inText);
  const shown = await xpage.textContent("#notice-text");
  check("the markup is shown as text", shown.indexOf("<img src=x onerror=\"window.__xss=1\">") >= 0
        && shown.indexOf("<script>window.__xss=3</script>") >= 0, shown.slice(0, 200));
  const links = await xpage.$$eval("a[href^='javascript']", (a) => a.length);
  check("a javascript: source is no link", links === 0, links);
  await shot(xpage, "xss-incident.png");
  await xpage.goto(BASE + "/#/?q=" + encodeURIComponent("ブラウザ検証"));
  await listReady(xpage);
  const xrows = await rowsOf(xpage);
  check("the XSS org shows as text in the list", xrows.length === 1 && xrows[0].org.indexOf("<script>") >= 0,
        JSON.stringify(xrows));
  check("window.__xss is undefined on the list", await xpage.evaluate(() => typeof window.__xss) === "undefined");
  await shot(xpage, "xss-list.png");
  check("no script error, CSP violation, dialog or foreign request (incident, list)",
        page.problems.length === 0 && xpage.problems.length === 0, page.problems.concat(xpage.problems).join(" | "));

  /* ---- phone width */
  const phone = await watchedPage(ctx, { width: 390, height: 844 });
  await phone.goto(BASE + "/");
  await listReady(phone);
  await phone.waitForSelector("body[data-charts=ready]", WAIT);
  const wide = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check("the list fits a phone's width", wide <= 1, wide + "px too wide");
  await shot(phone, "phone-list.png");
  await phone.click("#results tbody tr[data-id] td.org a");
  await phone.waitForSelector("body[data-state=incident]", WAIT);
  const wide2 = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check("the incident fits a phone's width", wide2 <= 1, wide2 + "px too wide");
  await shot(phone, "phone-incident.png");
  check("no problem at phone width", phone.problems.length === 0, phone.problems.join(" | "));

  /* ---- the report file */
  if (process.env.JKB_REPORT) {
    const rep = await watchedPage(ctx);
    await rep.goto("file://" + path.resolve(process.env.JKB_REPORT));
    await rep.waitForSelector("body[data-charts=ready]", WAIT);
    const rbars = await rep.$$eval("#chart-monthly rect.bar", (rs) => rs.filter((r) => +r.getAttribute("height") > 0).length);
    check("the report's monthly chart has bars", rbars > 0, rbars);
    const hbars = await rep.$$eval("#chart-timing rect.bar", (rs) => rs.length);
    check("the report's histogram is drawn", hbars > 0, hbars);
    const rrows = await rep.$$eval("#results tbody tr", (t) => t.length);
    check("the report lists the incidents", rrows > 0, rrows);
    const ext = rep.problems.filter((p) => p.startsWith("request"));
    check("the report makes no request", ext.length === 0, ext.join(" | "));
    check("the report runs without errors", rep.problems.length === 0, rep.problems.join(" | "));
    check("window.__xss is undefined in the report", await rep.evaluate(() => typeof window.__xss) === "undefined");
    await shot(rep, "report.png");
  }
}

main().catch((e) => { failed++; console.log("FAIL the browser test stopped: " + (e && e.stack || e)); })
  .finally(() => {
    console.log(passed + " passed, " + failed + " failed");
    process.exit(failed ? 1 : 0);
  });
