#!/usr/bin/env python3
"""API tests of `jikenbo serve` through real HTTP (curl) against servers this
script starts on free loopback ports: every endpoint, every error status, the
token check, the size caps, path traversal, an XSS notice read back as JSON, and
quote and FTS-syntax payloads in every filter.

usage: tests/server/api.py JIKENBO SOURCE_DIR

Prints one line per check and 'N passed, M failed' at the end; exits 1 when a
check failed.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse

JKB = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
TMP = tempfile.mkdtemp(prefix="jkb-api-")
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        print("FAIL " + name + (": " + str(detail) if detail else ""))


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None

    def header(self, name):
        return self.headers.get(name.lower())


def curl(base, method, path, headers=None, data=None, data_file=None, as_is=False, timeout=60):
    """One request with curl; the status, the headers (lower-case names) and the body."""
    hfile = os.path.join(TMP, "headers")
    bfile = os.path.join(TMP, "body")
    cmd = ["curl", "-sS", "-o", bfile, "-D", hfile, "-X", method, "--max-time", str(timeout)]
    if method == "HEAD":
        cmd = ["curl", "-sS", "-I", "-o", bfile, "-D", hfile, "--max-time", str(timeout)]
    if as_is:
        cmd.append("--path-as-is")
    for h in headers or []:
        cmd += ["-H", h]
    if data is not None:
        p = os.path.join(TMP, "upload")
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        cmd += ["--data-binary", "@" + p]
    if data_file is not None:
        cmd += ["--data-binary", "@" + data_file]
    cmd.append(base + path)
    r = subprocess.run(cmd, capture_output=True)
    status, hdrs = 0, {}
    if os.path.exists(hfile):
        with open(hfile, "rb") as f:
            for line in f.read().decode("latin-1").splitlines():
                if line.startswith("HTTP/"):
                    status, hdrs = int(line.split()[1]), {}  # the last response counts (100 Continue)
                elif ":" in line:
                    k, v = line.split(":", 1)
                    hdrs[k.strip().lower()] = v.strip()
        os.unlink(hfile)
    body = b""
    if os.path.exists(bfile):
        with open(bfile, "rb") as f:
            body = f.read()
        os.unlink(bfile)
    if r.returncode != 0 and status == 0:
        return Reply(0, {}, r.stderr)
    return Reply(status, hdrs, body)


def start(db, *extra):
    """A server on a free port; its process and base URL."""
    p = subprocess.Popen([JKB, "serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "2", *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = p.stdout.readline().decode()
    if not line.startswith("listening on "):
        p.kill()
        raise SystemExit("the server did not start: " + line + p.stderr.read().decode())
    return p, line.split()[2].rstrip("/")


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        return p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        return -1


def is_error(r, status, code=None):
    j = r.json()
    shape = isinstance(j, dict) and isinstance(j.get("error"), dict) and \
        isinstance(j["error"].get("code"), str) and isinstance(j["error"].get("message"), str) and \
        (r.header("content-type") or "").startswith("application/json")
    return r.status == status and shape and (code is None or j["error"]["code"] == code)


def q(s):
    return urllib.parse.quote(s, safe="")


def main():
    db = os.path.join(TMP, "case.db")
    samples = sorted(os.path.join(SRC, "sample", f) for f in os.listdir(os.path.join(SRC, "sample"))
                     if f.endswith((".txt", ".html")))
    r = subprocess.run([JKB, "ingest", "--db", db, "-q", *samples], capture_output=True)
    check("ingest the samples", r.returncode == 0, r.stderr.decode())
    # a leak-site claim on the hospital of the sample, kept and linked to its notice
    claims = os.path.join(TMP, "claims.txt")
    with open(claims, "w", encoding="utf-8") as f:
        f.write("・医療法人翠嶺会\n・Unrelated Example Inc (unrelated-example.com)\n")
    r = subprocess.run([JKB, "claims", "import", "--db", db, "--group", "LockBit", "--date", "2024-12", claims],
                       capture_output=True)
    check("claims import links a claim to the casebook", r.returncode == 0 and b"1 links" in r.stderr,
          r.stderr.decode())
    token = "t0ken-" + os.urandom(16).hex()
    tokfile = os.path.join(TMP, "token")
    with open(tokfile, "w") as f:
        f.write(token + "\n")
    os.chmod(tokfile, 0o600)

    srv, base = start(db, "--token-file", tokfile, "--max-body", "1M")
    check("listens on loopback", base.startswith("http://127.0.0.1:"), base)
    try:
        run(base, token)
    finally:
        rc = stop(srv)
        check("SIGTERM stops the server with status 0", rc == 0, str(rc))

    # read-only: no token file, no writing
    ro, base = start(db)
    try:
        r = curl(base, "POST", "/api/notices", headers=["Authorization: Bearer " + token], data="x")
        check("403 POST on a read-only server", is_error(r, 403, "writing_disabled"), str(r.status))
    finally:
        stop(ro)

    # 500: the casebook breaks under a running server
    bad = os.path.join(TMP, "broken.db")
    shutil.copy(db, bad)
    br, base = start(bad)
    try:
        con = subprocess.run(["sqlite3", bad, "DROP TABLE notices_fts; DROP VIEW IF EXISTS notices_fts_src;"
                              " ALTER TABLE notices RENAME TO gone;"], capture_output=True)
        if con.returncode != 0:
            check("break the casebook with sqlite3", False, con.stderr.decode())
        r = curl(base, "GET", "/api/incidents")
        check("500 with the error shape when the casebook fails", is_error(r, 500), "%d %r" % (r.status, r.body[:200]))
        check("500 does not dump SQL", b"SELECT" not in r.body, r.body[:300].decode("utf-8", "replace"))
    finally:
        stop(br)

    # a bad --listen and a bad token file are usage/start errors, not crashes
    r = subprocess.run([JKB, "serve", "--db", db, "--listen", "nonsense"], capture_output=True, timeout=20)
    check("serve refuses a bad --listen", r.returncode == 1 and b"--listen" in r.stderr, r.stderr.decode())
    short = os.path.join(TMP, "short")
    with open(short, "w") as f:
        f.write("abc\n")
    r = subprocess.run([JKB, "serve", "--db", db, "--listen", "127.0.0.1:0", "--token-file", short],
                       capture_output=True, timeout=20)
    check("serve refuses a short token", r.returncode == 1 and b"16 to 255" in r.stderr, r.stderr.decode())


def run(base, token):
    auth = "Authorization: Bearer " + token

    # ---- the page and its assets
    r = curl(base, "GET", "/")
    check("GET / is the page", r.status == 200 and (r.header("content-type") or "").startswith("text/html")
          and b"app.js" in r.body, str(r.status))
    csp = r.header("content-security-policy") or ""
    check("CSP without inline script", "script-src 'self'" in csp and "unsafe-inline" not in csp
          and "default-src 'none'" in csp, csp)
    check("X-Content-Type-Options: nosniff", r.header("x-content-type-options") == "nosniff")
    check("Referrer-Policy", r.header("referrer-policy") == "no-referrer")
    check("the page has no inline script", b"<script>" not in r.body and b"onload=" not in r.body)
    for name, typ in [("app.js", "text/javascript"), ("charts.js", "text/javascript"), ("style.css", "text/css"),
                      ("labels.json", "application/json"), ("index.html", "text/html")]:
        r = curl(base, "GET", "/" + name)
        check("GET /%s (%s)" % (name, typ), r.status == 200 and (r.header("content-type") or "").startswith(typ),
              "%d %s" % (r.status, r.header("content-type")))
    page_len = len(curl(base, "GET", "/").body)
    r = curl(base, "HEAD", "/")
    check("HEAD / has the headers of GET and no body", r.status == 200 and b"<!doctype" not in r.body
          and r.header("content-length") == str(page_len), "%d %s" % (r.status, r.header("content-length")))
    r = curl(base, "GET", "/api/version")
    check("GET /api/version", r.status == 200 and r.json().get("writable") is True, r.body[:200])

    # ---- GET /api/incidents
    r = curl(base, "GET", "/api/incidents")
    j = r.json()
    total = j["total"] if j else 0
    check("GET /api/incidents: a page and the total", r.status == 200 and total >= 9 and len(j["items"]) == min(total, 20)
          and j["page"] == 1 and j["per_page"] == 20, r.body[:200])
    keys = {"id", "incident_id", "case_id", "published", "title", "org", "org_kind", "categories", "data_classes",
            "authorities", "affected", "source"}
    check("items carry the table's fields", all(keys <= set(it) for it in j["items"]))
    dates = [it["published"] for it in j["items"] if it["published"]]
    check("newest first", dates == sorted(dates, reverse=True), str(dates))
    r = curl(base, "GET", "/api/incidents?per_page=2&page=2")
    j2 = r.json()
    check("paging: per_page and page", r.status == 200 and len(j2["items"]) == 2 and j2["page"] == 2
          and j2["items"][0]["id"] == j["items"][2]["id"] and j2["pages"] == (total + 1) // 2, r.body[:200])
    r = curl(base, "GET", "/api/incidents?page=999")
    check("a page past the end is empty", r.status == 200 and r.json()["items"] == [] and r.json()["total"] == total)
    for param, key, field in [("category=misdelivery", "misdelivery", "categories"),
                              ("data_class=email", "email", "data_classes"),
                              ("authority=police", "police", "authorities")]:
        r = curl(base, "GET", "/api/incidents?" + param)
        items = r.json()["items"] if r.status == 200 else []
        check("filter " + param, r.status == 200 and items and all(key in it[field] for it in items)
              and r.json()["total"] == len(items), r.body[:300])
    r = curl(base, "GET", "/api/incidents?org_kind=local-gov")
    check("filter org_kind=local-gov", r.status == 200 and r.json()["items"]
          and all(it["org_kind"] == "local_gov" for it in r.json()["items"]), r.body[:200])
    r = curl(base, "GET", "/api/incidents?year=2025")
    check("filter year=2025", r.status == 200 and r.json()["items"]
          and all((it["published"] or "").startswith("2025") for it in r.json()["items"]), r.body[:200])
    r = curl(base, "GET", "/api/incidents?since=2025-03&until=2025-04")
    check("filter since/until", r.status == 200 and r.json()["items"]
          and all("2025-03" <= it["published"][:7] <= "2025-04" for it in r.json()["items"]), r.body[:200])
    r = curl(base, "GET", "/api/incidents?q=" + q("ランサムウェア"))
    check("full text q=ランサムウェア", r.status == 200 and r.json()["total"] >= 1, r.body[:200])
    r = curl(base, "GET", "/api/incidents?q=" + q("誤送信") + "&category=misdelivery")
    check("full text with a facet", r.status == 200 and r.json()["total"] >= 1, r.body[:200])
    r = curl(base, "GET", "/api/incidents?actor=" + q("Medusa"))
    check("filter actor", r.status == 200 and r.json()["total"] >= 1, r.body[:200])

    # ---- GET /api/incidents/{id}
    any_id = j["items"][0]["id"]
    bad_spans, n_spans = [], 0
    for it in j["items"]:
        r = curl(base, "GET", "/api/incidents/%d" % it["id"])
        one = r.json()
        if r.status != 200 or not one:
            check("GET /api/incidents/%d" % it["id"], False, r.body[:200])
            continue
        text = one["notice"]["text"].encode("utf-8")

        def walk(v):
            nonlocal n_spans
            if isinstance(v, dict) and "start" in v and "end" in v:
                n_spans += 1
                if text[v["start"]:v["end"]].decode("utf-8", "replace") != v.get("text"):
                    bad_spans.append((it["id"], v))
            elif isinstance(v, dict):
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
        walk(one["notice"]["record"].get("evidence"))
    check("every evidence span points at its words in the notice text (%d spans)" % n_spans,
          n_spans > 20 and not bad_spans, str(bad_spans[:3]))
    r = curl(base, "GET", "/api/incidents/%d" % any_id)
    one = r.json()
    check("GET /api/incidents/{id}: notice, record, text, incident, follow-ups, claims",
          r.status == 200 and one["notice"]["id"] == any_id and one["notice"]["record"] and one["notice"]["text"]
          and isinstance(one["follow_ups"], list) and isinstance(one["claims"], list)
          and any(n["id"] == any_id for n in one["incident"]["notices"]), r.body[:200])
    # the hospital's notice is a first report (第1報): its incident is listed
    r = curl(base, "GET", "/api/incidents?q=" + q("電子カルテ"))
    if r.status == 200 and r.json()["items"]:
        hid = r.json()["items"][0]["id"]
        one = curl(base, "GET", "/api/incidents/%d" % hid).json()
        check("an incident lists its notices in order", one and one["incident"]["id"] == one["notice"]["incident_id"])
        others = set(n["id"] for n in one["incident"]["notices"]) - {hid}
        check("follow_ups are the incident's other notices", set(f["id"] for f in one["follow_ups"]) == others,
              str(one["follow_ups"])[:200])
        cl = one["claims"]
        check("GET /api/incidents/{id}: the leak-site claim linked to it, with score, reason and delay",
              len(cl) == 1 and cl[0]["group"] == "LockBit" and cl[0]["victim"] == "医療法人翠嶺会"
              and cl[0]["claimed"] == "2024-12" and 0.5 <= cl[0]["score"] <= 1 and "翠嶺会" in cl[0]["reason"]
              and isinstance(cl[0]["delay_days"], int) and cl[0]["delay_days"] > 0
              and cl[0]["notice_id"] in set(n["id"] for n in one["incident"]["notices"]), str(cl)[:400])
        # a hospital's ransomware notice: the medical regime and APPI obligations, with their deadlines
        a = one["notice"].get("assessment")
        check("GET /api/incidents/{id} carries the reporting assessment",
              isinstance(a, dict) and a.get("regime_jp") and
              any(o["id"].startswith("appi.") and o["applies"] in ("yes", "may_apply") for o in a.get("obligations", [])),
              str(a)[:300])

    # ---- stats and timing
    r = curl(base, "GET", "/api/stats?by=category")
    check("GET /api/stats?by=category", r.status == 200 and r.json()["rows"]
          and all(set(x) == {"label", "count"} for x in r.json()["rows"]), r.body[:200])
    r = curl(base, "GET", "/api/stats?by=month&split=category")
    rows = r.json()["rows"] if r.status == 200 else []
    check("GET /api/stats?by=month&split=category", rows and all(sum(x["split"].values()) >= x["count"] for x in rows
                                                                  if x["label"] != "unknown"), r.body[:300])
    for by in ["year", "org_kind", "vector", "actor", "data_class", "authority"]:
        r = curl(base, "GET", "/api/stats?by=" + by)
        check("GET /api/stats?by=" + by, r.status == 200 and isinstance(r.json()["rows"], list), r.body[:200])
    r = curl(base, "GET", "/api/stats?by=category&count=notices&since=2025")
    check("stats counting notices with a filter", r.status == 200 and r.json()["counting"] == "notices")
    r = curl(base, "GET", "/api/stats/timing")
    t = r.json()
    names = [x["name"] for x in t["timing"]] if t else []
    d2p = [x for x in t["timing"] if x["name"] == "detected_to_published"] if t else []
    check("GET /api/stats/timing", r.status == 200 and names == ["occurred_to_detected", "detected_to_published",
                                                                  "detected_to_reported"]
          and len(t["histogram"]["bins"]) == 10, r.body[:300])
    check("the histogram counts what the median counts", d2p and t["histogram"]["n"] == d2p[0]["n"]
          and sum(b["count"] for b in t["histogram"]["bins"]) == d2p[0]["n"], r.body[:300])

    # ---- exports
    r = curl(base, "GET", "/api/export?format=ndjson")
    lines = r.body.decode().splitlines()
    check("export ndjson: one line per notice", r.status == 200 and len(lines) == total
          and all(json.loads(l)["record"] for l in lines), "%d %d" % (len(lines), total))
    check("export ndjson is a download", "attachment" in (r.header("content-disposition") or ""))
    rows = [json.loads(l) for l in lines]
    check("export ndjson: each row with its assessment", all("assessment" in x for x in rows)
          and any(x["assessment"] and x["assessment"].get("obligations") for x in rows), lines[0][:300])
    r = curl(base, "GET", "/api/export?format=csv&category=misdelivery")
    lines = r.body.decode().splitlines()
    check("export csv: an obligations column", lines and lines[0].endswith(",index,obligations"), lines[:1])
    check("export csv with a filter", r.status == 200 and lines[0].startswith("id,incident_id,case_id")
          and len(lines) >= 2 and (r.header("content-type") or "").startswith("text/csv"), r.body[:200])
    r = curl(base, "GET", "/api/export?format=stix")
    s = r.json()
    check("export stix: a STIX 2.1 bundle", r.status == 200 and s and s["type"] == "bundle"
          and any(o["type"] == "incident" for o in s["objects"]), r.body[:200])
    reports = [o for o in s["objects"] if o["type"] == "report"]
    notes = [o for o in s["objects"] if o["type"] == "note"]
    check("export stix: each report has its assessment note", reports and len(notes) == len(reports)
          and all("Reporting obligations" in n["content"] and len(n["extensions"]) == 1 for n in notes),
          "%d reports, %d notes" % (len(reports), len(notes)))
    r2 = curl(base, "GET", "/api/export?format=stix")
    check("export stix is reproducible", r2.body == r.body)
    r = curl(base, "GET", "/api/export?format=misp&year=2025")
    m = r.json()
    check("export misp: events", r.status == 200 and m and isinstance(m.get("response"), list) and m["response"]
          and "Event" in m["response"][0], r.body[:200])
    check("export misp: the obligations as event reports",
          all(e["Event"].get("EventReport") and "Reporting obligations" in e["Event"]["EventReport"][0]["content"]
              for e in m["response"]), r.body[:200])

    # ---- 400
    for path, code in [("/api/incidents?category=nope", "bad_parameter"),
                       ("/api/incidents?categroy=ransomware", "bad_parameter"),
                       ("/api/incidents?page=0", "bad_parameter"),
                       ("/api/incidents?page=x", "bad_parameter"),
                       ("/api/incidents?per_page=1000", "bad_parameter"),
                       ("/api/incidents?since=2023-13", "bad_parameter"),
                       ("/api/incidents?year=2023-01", "bad_parameter"),
                       ("/api/incidents?q=%ff%fe", "bad_parameter"),
                       ("/api/incidents?q=" + "a" * 300, "bad_parameter"),
                       ("/api/incidents?since=2025-05&until=2025-01", "bad_parameter"),
                       ("/api/stats", "bad_parameter"),
                       ("/api/stats?by=nonsense", "bad_parameter"),
                       ("/api/stats?by=month&split=actor", "bad_parameter"),
                       ("/api/export", "bad_parameter"),
                       ("/api/export?format=xml", "bad_parameter"),
                       ("/api/incidents/1?category=ddos", "bad_parameter"),
                       ("/api/version?x=1", "bad_parameter")]:
        r = curl(base, "GET", path)
        check("400 " + path[:60], is_error(r, 400, code), "%d %r" % (r.status, r.body[:200]))

    # ---- 404, 405
    for path in ["/api/incidents/999999", "/api/incidents/abc", "/api/incidents/0", "/api/nope", "/api",
                 "/nope.html", "/web/app.js", "/api/incidents/1/2"]:
        r = curl(base, "GET", path)
        check("404 " + path, is_error(r, 404, "not_found"), "%d %r" % (r.status, r.body[:200]))
    r = curl(base, "DELETE", "/api/incidents")
    check("405 DELETE /api/incidents with Allow", is_error(r, 405) and "GET" in (r.header("allow") or ""))
    r = curl(base, "POST", "/api/incidents", data="x")
    check("405 POST /api/incidents", is_error(r, 405))
    r = curl(base, "GET", "/api/notices")
    check("405 GET /api/notices (Allow: POST)", is_error(r, 405) and r.header("allow") == "POST")

    # ---- path traversal: no path leaves the compiled-in assets
    for path in ["/../etc/passwd", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/etc/passwd",
                 "/..%2f..%2fetc%2fpasswd", "/static/../../etc/passwd", "/./index.html", "/api/incidents/..%2f..%2f1",
                 "/%2e%2e%5c%2e%2e%5cetc%5cpasswd", "/..\\..\\etc\\passwd", "//etc/passwd", "/etc/passwd",
                 "/index.html%00.js"]:
        r = curl(base, "GET", path, as_is=True)
        check("traversal " + path, r.status in (400, 404) and b"root:" not in r.body and r.json() is not None,
              "%d %r" % (r.status, r.body[:100]))

    # ---- caps
    r = curl(base, "GET", "/api/incidents?q=" + "a" * 5000)
    check("414 for a query string over 4 KiB", is_error(r, 414, "uri_too_long"), "%d" % r.status)
    r = curl(base, "GET", "/api/version", headers=["X-Big: " + "a" * 20000])
    check("431 JSON with the security headers for headers over 16 KiB", is_error(r, 431, "headers_too_large")
          and r.header("content-security-policy") and r.header("x-content-type-options") == "nosniff",
          "%d %r" % (r.status, r.body[:200]))
    r = curl(base, "GET", "/api/version", headers=["X-A: " + "a" * 9000, "X-B: " + "b" * 9000])
    check("431 for headers over 16 KiB in all", is_error(r, 431, "headers_too_large"), "%d" % r.status)
    r = curl(base, "GET", "/api/version", headers=["X-Ok: " + "a" * 8000])
    check("200 for 8 KiB of headers", r.status == 200, "%d" % r.status)
    r = curl(base, "GET", "/api/version", headers=["X-Big: " + "a" * 70000])
    check("431 for headers over the connection's memory", r.status in (413, 431), "%d" % r.status)
    big = os.path.join(TMP, "big.txt")
    with open(big, "wb") as f:
        f.write(b"a" * (1024 * 1024 + 1))
    r = curl(base, "POST", "/api/notices", headers=[auth, "Content-Type: text/plain"], data_file=big)
    check("413 for a body over --max-body (Content-Length)", is_error(r, 413, "body_too_large"), "%d" % r.status)
    r = curl(base, "POST", "/api/notices", headers=[auth, "Content-Type: text/plain", "Transfer-Encoding: chunked"],
             data_file=big)
    check("413 for a chunked body over --max-body", is_error(r, 413, "body_too_large"), "%d %r" % (r.status, r.body[:100]))
    r = curl(base, "POST", "/api/notices", headers=["Content-Type: text/plain"], data_file=big)
    check("an oversize body without a token is refused too", r.status in (401, 413), "%d" % r.status)

    # ---- the token
    xss = ("【セキュリティ事件簿#2025-901】株式会社<script>window.__xss=2</script>テスト "
           "不正アクセスによる個人情報漏えいのお知らせ 2025年7月2日\n\n"
           "当社サーバーが不正アクセスを受け、お客様の氏名とメールアドレス約1,200件が漏えいした可能性があります。\n"
           "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=3</script>"
           "<svg onload=\"window.__xss=4\"></svg> 2025年6月20日に検知しました。\n")
    for name, hdr in [("no Authorization", []), ("a wrong token", ["Authorization: Bearer wrong-token-wrong-token"]),
                      ("a prefix of the token", ["Authorization: Bearer " + token[:-1]]),
                      ("the token and more", ["Authorization: Bearer " + token + "x"]),
                      ("Basic instead of Bearer", ["Authorization: Basic " + token]),
                      ("an empty Bearer", ["Authorization: Bearer "])]:
        r = curl(base, "POST", "/api/notices", headers=hdr + ["Content-Type: text/plain"], data=xss)
        check("401 with " + name, is_error(r, 401, "unauthorized")
              and (r.header("www-authenticate") or "").startswith("Bearer"), "%d" % r.status)
    r = curl(base, "GET", "/api/incidents?q=" + q("window.__xss"))
    check("nothing was stored without the token", r.status == 200 and r.json()["total"] == 0, r.body[:200])

    # ---- a remembered total (counts.c) is void after a write
    r = curl(base, "GET", "/api/incidents?per_page=1&page=2&q=" + q("不正アクセス"))
    before = r.json()["total"] if r.status == 200 else -1
    r = curl(base, "GET", "/api/incidents?per_page=1&page=3&q=" + q("不正アクセス"))
    check("paging keeps the total", r.status == 200 and r.json()["total"] == before and before >= 2, r.body[:200])

    # ---- POST /api/notices and the XSS notice read back as JSON
    r = curl(base, "POST", "/api/notices?source=" + q("https://example.test/news/0702"),
             headers=[auth, "Content-Type: text/plain; charset=utf-8"], data=xss)
    p = r.json()
    check("201 POST /api/notices with the token", r.status == 201 and p and p["stored"] == 1
          and p["notices"][0]["outcome"] == "stored", "%d %r" % (r.status, r.body[:300]))
    xid = p["notices"][0]["id"] if p and p.get("notices") else 0
    rec = p["notices"][0]["record"] if p and p.get("notices") else {}
    check("the posted notice's record was extracted", rec.get("affected") == 1200
          and "unauthorized_access" in rec.get("categories", []), json.dumps(rec, ensure_ascii=False)[:300])
    check("the reply escapes markup (no raw < in the JSON)", b"<" not in r.body and b"\\u003c" in r.body)
    r = curl(base, "GET", "/api/incidents/%d" % xid)
    one = r.json()
    text = one["notice"]["text"] if one else ""
    check("the XSS notice reads back as the same text", '<img src=x onerror="window.__xss=1">' in text
          and "<script>window.__xss=3</script>" in text, text[:200])
    check("the XSS notice's JSON holds no raw markup", b"<img" not in r.body and b"<script" not in r.body
          and (r.header("content-type") or "").startswith("application/json")
          and r.header("x-content-type-options") == "nosniff")
    check("the source URL is kept", one and one["notice"]["source"] == "https://example.test/news/0702")
    r = curl(base, "GET", "/api/incidents?per_page=1&page=2&q=" + q("不正アクセス"))
    check("a total counted before a write counts the new notice", r.status == 200 and r.json()["total"] == before + 1,
          "%s vs %d" % (r.body[:100], before))
    r = curl(base, "POST", "/api/notices", headers=[auth, "Content-Type: text/plain"], data=xss)
    check("the same notice again is unchanged (200)", r.status == 200 and r.json()["stored"] == 0
          and r.json()["notices"][0]["outcome"] == "unchanged", "%d %r" % (r.status, r.body[:200]))
    html = ("<html><head><meta charset=\"utf-8\"><title>お知らせ</title></head><body><main><h1>"
            "メール誤送信による個人情報の流出について</h1><p>2025年7月3日</p><p>株式会社サンプル商事</p>"
            "<p>当社従業員がお客様35名のメールアドレスを誤って送信しました。</p></main></body></html>")
    r = curl(base, "POST", "/api/notices", headers=[auth, "Content-Type: text/html; charset=utf-8"], data=html)
    p = r.json()
    check("POST an HTML notice", r.status == 201 and p and "misdelivery" in p["notices"][0]["record"]["categories"]
          and "<p>" not in json.dumps(p, ensure_ascii=False), "%d %r" % (r.status, r.body[:300]))
    pdf = os.path.join(SRC, "tests", "unit", "data", "notice-ja.pdf")
    r = curl(base, "POST", "/api/notices", headers=[auth, "Content-Type: application/pdf"], data_file=pdf)
    p = r.json()
    check("POST a PDF notice", r.status == 201 and p and p["notices"][0]["record"]["org"] == "株式会社さくら工房"
          and "unauthorized_access" in p["notices"][0]["record"]["categories"], "%d %r" % (r.status, r.body[:300]))
    if r.status == 201 and p:
        one = curl(base, "GET", "/api/incidents/%d" % p["notices"][0]["id"]).json()
        check("the PDF notice reads back with its text", one and "さくら工房" in one["notice"]["text"],
              str(one)[:200])
    r = curl(base, "POST", "/api/notices", headers=[auth, "Content-Type: application/octet-stream"],
             data=b"\x00\x01\x02binary\x00" * 50)
    check("415 for a binary body", is_error(r, 415, "unsupported_body"), "%d %r" % (r.status, r.body[:200]))
    r = curl(base, "POST", "/api/notices", headers=[auth, "Content-Type: text/plain"], data="")
    check("400 for an empty body", is_error(r, 400, "empty_body"), "%d" % r.status)
    r = curl(base, "POST", "/api/notices", headers=[auth, "Content-Type: text/plain"], data="   \n\n  \n")
    check("400 for a blank notice", is_error(r, 400, "no_notice"), "%d %r" % (r.status, r.body[:200]))
    r = curl(base, "POST", "/api/notices?category=ddos", headers=[auth], data=xss)
    check("400 for filters on POST", is_error(r, 400, "bad_parameter"), "%d" % r.status)
    r = curl(base, "GET", "/api/incidents")
    check("the total counts the posted notices", r.status == 200 and r.json()["total"] == total + 3,
          "%d vs %d" % (r.json()["total"], total))

    # ---- many at once
    cmd = ["curl", "-sS", "--parallel", "--parallel-max", "20", "-w", "%{http_code}\n"]
    for i in range(60):
        cmd += ["-o", "/dev/null",
                base + ("/api/incidents?page=%d" % (i % 3 + 1) if i % 2 else "/api/incidents/%d" % any_id)]
    out = subprocess.run(cmd, capture_output=True, timeout=120).stdout.decode().split()
    check("60 requests in parallel all answer 200", len(out) == 60 and set(out) == {"200"}, str(sorted(set(out))))

    payloads(base, auth)


# Quote and FTS-syntax payloads in every filter of /api/incidents, /api/stats
# and /api/export. q and actor are text: what comes back holds every word of
# it (the notice that holds it found, none for a payload no notice holds);
# the fixed-vocabulary, date and number parameters answer 400 naming the
# parameter; the casebook keeps its notices and passes integrity_check.
HIT = ["'", '"', "'; DROP TABLE notices; --", '" OR 1=1 --', "NEAR(a b)", "title:x", "a* OR b", "%", "_", "\\",
       "O'Reilly", '"quoted"', "100%", "snake_case", "C:\\path"]
MISS = ["'; DROP TABLE zq; --", '" OR 1=1 -- zq', "NEAR(zq yq)", "title:zq", "zq* OR yq", "%zq%", "zq_", "\\zq",
        "zq'", '"zq"', "zq OR 1", "NOT zq", "^zq", "zq:*", "%_%"]


def payloads(base, auth):
    planted = ("令和7年4月1日\n\n株式会社記号検査\n\n記号を含む文字列の表示について\n\n"
               "当社の検索画面に O'Reilly と \"quoted\" の表記、'; DROP TABLE notices; -- と \" OR 1=1 -- の文字列、\n"
               "NEAR(a b) と title:x と a* OR b の記法、100% と snake_case と C:\\path の表記が表示されました。\n")
    r = curl(base, "POST", "/api/notices", headers=[auth, "Content-Type: text/plain; charset=utf-8"], data=planted)
    pid = r.json()["notices"][0]["id"] if r.status == 201 else 0
    check("POST the notice holding the payloads", pid > 0, "%d %r" % (r.status, r.body[:200]))
    fold = lambda s: unicodedata.normalize("NFKC", s).casefold()

    def ids(path):
        r = curl(base, "GET", path)
        if r.status != 200:
            return None
        if "/api/export" in path:
            return sorted(json.loads(l)["id"] for l in r.body.decode().splitlines() if l.strip())
        return sorted(it["id"] for it in r.json()["items"])

    every = ids("/api/incidents?per_page=100")
    texts = {}
    for i in every or []:
        n = curl(base, "GET", "/api/incidents/%d" % i).json()["notice"]
        texts[i] = fold((n["record"].get("title") or "") + "\n" + n["text"])
    problems = []
    for p in HIT + MISS:
        got = ids("/api/incidents?per_page=100&q=" + q(p))
        if got is None:
            problems.append("q=%r: not 200" % p)
            continue
        wrong = [i for i in got if not all(w in texts.get(i, "") for w in fold(p).split())]
        if wrong:
            problems.append("q=%r gives notices without it: %s" % (p, wrong[:5]))
        if (p in HIT) != (pid in got) or (p in MISS and got):
            problems.append("q=%r gives %s" % (p, got[:5]))
        r = curl(base, "GET", "/api/stats?by=year&count=notices&q=" + q(p))
        n = sum(x["count"] for x in r.json()["rows"]) if r.status == 200 else -1
        if n != len(got):
            problems.append("stats q=%r counts %d notices, /api/incidents gives %d" % (p, n, len(got)))
        if ids("/api/export?format=ndjson&q=" + q(p)) != got:
            problems.append("export q=%r: not the notices of /api/incidents" % p)
    check("q: %d payloads taken as text (incidents, stats, export)" % len(HIT + MISS), not problems, problems[:5])

    problems = []
    for p in HIT + MISS:
        for path in ["/api/incidents?per_page=100&actor=", "/api/export?format=ndjson&actor="]:
            got = ids(path + q(p))
            if got != []:
                problems.append("%s%r gives %s" % (path, p, got if got is None else got[:5]))
        r = curl(base, "GET", "/api/stats?by=actor&actor=" + q(p))
        if r.status != 200 or r.json()["rows"] != []:
            problems.append("stats actor=%r: %d %r" % (p, r.status, r.body[:100]))
    check("actor: %d payloads match no actor (LIKE wildcards included)" % len(HIT + MISS), not problems, problems[:5])

    problems = []
    for p in HIT:
        for path, params in [("/api/incidents?", ["category", "org_kind", "data_class", "authority", "since", "until",
                                                   "year", "page", "per_page"]),
                             ("/api/stats?by=year&", ["category", "org_kind", "data_class", "authority", "since",
                                                      "until", "year"]),
                             ("/api/export?format=ndjson&", ["category", "org_kind", "data_class", "authority", "since",
                                                             "until", "year"])]:
            for name in params:
                r = curl(base, "GET", path + name + "=" + q(p))
                if not is_error(r, 400, "bad_parameter") or name not in r.json()["error"]["message"]:
                    problems.append("%s%s=%r: %d %r" % (path, name, p, r.status, r.body[:120]))
    check("category, org_kind, data_class, authority, since, until, year, page, per_page: payloads refused (400 "
          "naming the parameter)", not problems, problems[:5])

    after = ids("/api/incidents?per_page=100")
    check("the casebook keeps its notices after the payloads", after == every and pid in (after or []),
          "%d before, %d after" % (len(every or []), len(after or [])))
    r = subprocess.run(["sqlite3", os.path.join(TMP, "case.db"), "PRAGMA integrity_check"], capture_output=True)
    check("integrity_check after the payloads", r.stdout.strip() == b"ok", r.stdout[:200] + r.stderr[:200])


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
