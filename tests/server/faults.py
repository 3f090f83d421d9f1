#!/usr/bin/env python3
"""Faults against `jikenbo serve` (issue 6): slow-loris connections, a storm
of 1,000 concurrent connections, the server SIGKILLed while POSTs are being
stored, a declared oversize body and a client that hangs up mid-body. Servers
are started on free loopback ports; the casebook is checked with python's
sqlite3 afterwards.

usage: tests/server/faults.py JIKENBO SOURCE_DIR

Prints one line per check (ok/FAIL with figures) and a summary line;
exits 1 when a check failed. About 35 s, as long under ASan.
"""
import http.client
import json
import os
import resource
import selectors
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

JKB = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
TMP = tempfile.mkdtemp(prefix="jkb-faults-")
CONN_TIMEOUT = 30  # CONN_TIMEOUT in src/server/server.c: seconds of silence before MHD closes a connection
HEAD_DEADLINE = 30  # HEAD_DEADLINE there: seconds for a request line and headers, however slowly they come
with open(JKB, "rb") as _f:
    ASAN = b"__asan_init" in _f.read()
checks = problems = 0


def check(name, ok, figures=""):
    global checks, problems
    checks += 1
    if not ok:
        problems += 1
    print("%s %s%s" % ("ok  " if ok else "FAIL", name, (": " + figures) if figures else ""), flush=True)


LOGS = []  # each server's stderr: sanitizer reports are looked for at the end


def start(db, *extra, env=None):
    log = open(os.path.join(TMP, "serve-%d.err" % len(LOGS)), "wb")
    LOGS.append(log.name)
    p = subprocess.Popen([JKB, "serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "2", "-q", *extra],
                         stdout=subprocess.PIPE, stderr=log, env=env)
    log.close()
    line = p.stdout.readline().decode()
    if not line.startswith("listening on "):
        p.kill()
        raise SystemExit("the server did not start: " + line)
    return p, int(line.split()[2].rstrip("/").rsplit(":", 1)[1])


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        return p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return -1


def request(port, method, path, body=None, headers=None, timeout=30):
    """(status, body bytes, seconds); status 0 and the error text when the exchange failed."""
    t0 = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, data, time.monotonic() - t0
    except (OSError, http.client.HTTPException) as e:
        return 0, str(e).encode(), time.monotonic() - t0
    finally:
        c.close()


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def q(s):
    return urllib.parse.quote(s, safe="")


def store_checks(db, what):
    """crash.sh's checks with python's sqlite3: the file, the full-text index, whole rows."""
    con = sqlite3.connect(db)
    try:
        ic = con.execute("PRAGMA integrity_check").fetchone()[0]
        check(what + ": PRAGMA integrity_check", ic == "ok", ic)
        try:
            con.execute("INSERT INTO notices_fts(notices_fts) VALUES('integrity-check')")
            check(what + ": FTS5 integrity-check", True)
        except sqlite3.DatabaseError as e:
            check(what + ": FTS5 integrity-check", False, str(e))
        n = con.execute("SELECT count(*) FROM notices").fetchone()[0]
        fts = con.execute("SELECT count(*) FROM notices_fts_docsize").fetchone()[0]
        check(what + ": notices = full-text rows", n == fts, "%d notices, %d full-text rows" % (n, fts))
        half = con.execute("SELECT count(*) FROM notices WHERE record_json IS NULL OR record_json = ''"
                           " OR incident_id IS NULL OR incident_id NOT IN (SELECT id FROM incidents)"
                           " OR sortkey NOT IN (SELECT id FROM notices_fts_docsize)").fetchone()[0]
        orphans = con.execute("SELECT count(*) FROM actors WHERE notice_id NOT IN (SELECT id FROM notices)").fetchone()[0]
        check(what + ": no half-written rows", half == 0 and orphans == 0, "%d half rows, %d orphan actors" % (half, orphans))
        return n
    finally:
        con.close()


def new_casebook(db):
    """A casebook holding one sample notice: serve refuses a path where there is
    none (only ingest creates one). Returns how many notices it holds."""
    r = subprocess.run([JKB, "ingest", "--db", db, "-q", os.path.join(SRC, "sample", "shop-card.txt")],
                       capture_output=True)
    if r.returncode != 0:
        raise SystemExit("ingest of a sample failed: " + r.stderr.decode())
    return count_notices(db)[0]


def count_notices(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*), count(DISTINCT content_hash) FROM notices").fetchone()
    finally:
        con.close()


# ---------------------------------------------------------------- 1. slow-loris

def slow_loris(port, n=200, seconds=15):
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.setblocking(False)
        socks.append(s)
    # a request line and a header that never end, one byte a second on every connection
    head = b"GET /api/incidents?q=x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4096
    pos = [0] * n
    closed = [None] * n  # when the server closed it (monotonic), or None
    stop_drip = threading.Event()
    drip_all = threading.Event()
    drip_all.set()
    keep = set(range(10))  # these go on dripping after the others fall silent

    def drip():
        while not stop_drip.is_set():
            for i, s in enumerate(socks):
                if closed[i] is not None or (not drip_all.is_set() and i not in keep):
                    continue
                try:
                    s.send(head[pos[i] % len(head):pos[i] % len(head) + 1])
                    pos[i] += 1
                except BlockingIOError:
                    pass
                except OSError:
                    closed[i] = time.monotonic()
            stop_drip.wait(1.0)

    def watch():
        sel = selectors.DefaultSelector()
        for i, s in enumerate(socks):
            sel.register(s, selectors.EVENT_READ, i)
        while not stop_drip.is_set() and any(c is None for c in closed):
            for key, _ in sel.select(0.5):
                i = key.data
                try:
                    data = socks[i].recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data and closed[i] is None:
                    closed[i] = time.monotonic()
                if not data:
                    sel.unregister(socks[i])
        sel.close()

    t_drip = threading.Thread(target=drip, daemon=True)
    t_watch = threading.Thread(target=watch, daemon=True)
    t_drip.start()
    t_watch.start()
    t0 = time.monotonic()
    worst, n_req, bad = 0.0, 0, []
    while time.monotonic() - t0 < seconds:
        for path in ("/api/version", "/api/incidents?q=" + q("ランサムウェア")):
            st, body, dt = request(port, "GET", path, timeout=10)
            n_req += 1
            worst = max(worst, dt)
            if st != 200 or dt > 2.0:
                bad.append("%s: %d in %.2f s" % (path, st, dt))
        time.sleep(0.2)
    open_during = sum(1 for c in closed if c is None)
    check("slow-loris: a normal client is answered within 2 s while %d connections drip" % n,
          not bad and n_req > 0,
          "%d requests over %.0f s, slowest %.3f s, %d slow connections still open%s"
          % (n_req, seconds, worst, open_during, ("; " + "; ".join(bad[:5])) if bad else ""))
    # the others fall silent; the ten go on dripping. All are closed by the
    # head deadline (counted from connect), the silent ones by then or by the
    # idle timeout, whichever comes first.
    drip_all.clear()
    silent_from = time.monotonic()
    bound = max(HEAD_DEADLINE, CONN_TIMEOUT) + 10
    while time.monotonic() - t0 < bound and any(c is None for c in closed):
        time.sleep(0.5)
    silent = [closed[i] for i in range(n) if i not in keep]
    still = sum(1 for c in silent if c is None)
    last = max((c - silent_from for c in silent if c is not None), default=0.0)
    check("slow-loris: the server closes connections that fall silent", still == 0,
          "%d of %d closed, the last %.1f s after they fell silent (%.1f s after connecting), %d still open"
          % (len(silent) - still, len(silent), last, last + silent_from - t0, still))
    dripping = sum(1 for i in keep if closed[i] is None)
    last = max((closed[i] - t0 for i in keep if closed[i] is not None), default=0.0)
    check("slow-loris: connections dripping a byte a second are closed by the head deadline (%d s)" % HEAD_DEADLINE,
          dripping == 0, "%d of %d closed, the last %.1f s after connecting (%d bytes sent each), %d still open"
          % (len(keep) - dripping, len(keep), last, max(pos[i] for i in keep), dripping))
    stop_drip.set()
    t_drip.join()
    t_watch.join()
    for s in socks:
        s.close()
    st, _, dt = request(port, "GET", "/api/version")
    check("slow-loris: served afterwards", st == 200, "%d in %.3f s" % (st, dt))


# ---------------------------------------------------------------- 2. 1,000 at once

def storm(proc, port, ids, n=1000):
    for _ in range(20):  # warm-up: every kind of request the storm sends
        request(port, "GET", "/api/incidents/%d" % ids[0])
        request(port, "GET", "/api/incidents?q=" + q("ランサムウェア"))
    rss0 = rss_kb(proc.pid)
    queries = ["ランサムウェア", "誤送信", "不正アクセス", "個人情報", "USB"]
    socks, results = [], {}
    t0 = time.monotonic()
    refused = 0
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        except OSError:
            refused += 1
            s.close()
            continue
        socks.append(s)
    sel = selectors.DefaultSelector()
    bufs = {}
    pending_send = {}
    rest = {}
    for i, s in enumerate(socks):
        path = "/api/incidents/%d" % ids[i % len(ids)] if i % 2 else "/api/incidents?q=" + q(queries[i % len(queries)])
        # the request in two parts: all 1,000 are open and half-sent at once
        # while another client comes, then they finish
        pending_send[s] = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % path).encode()
        rest[s] = b"Connection: close\r\n\r\n"
        bufs[s] = b""
        sel.register(s, selectors.EVENT_WRITE | selectors.EVENT_READ)
    deadline = time.monotonic() + 120
    live = len(socks)
    during = None
    while live and time.monotonic() < deadline:
        if during is None and not pending_send:
            # every storm connection is open with its headers half in
            during = request(port, "GET", "/api/incidents?q=" + q("誤送信"))
            open_then = len(socks) - len(results)
            for s2 in socks:
                if s2 not in results:
                    pending_send[s2] = rest[s2]
                    sel.modify(s2, selectors.EVENT_WRITE | selectors.EVENT_READ)
        for key, ev in sel.select(1.0):
            s = key.fileobj
            if ev & selectors.EVENT_WRITE and s in pending_send:
                try:
                    k = s.send(pending_send[s])
                    pending_send[s] = pending_send[s][k:]
                    if not pending_send[s]:
                        del pending_send[s]
                        sel.modify(s, selectors.EVENT_READ)
                except BlockingIOError:
                    pass
                except OSError as e:
                    results[s] = "error: " + e.__class__.__name__
                    sel.unregister(s)
                    live -= 1
                    continue
            if ev & selectors.EVENT_READ:
                try:
                    d = s.recv(65536)
                except BlockingIOError:
                    continue
                except OSError as e:
                    d = None
                    results[s] = "error: " + e.__class__.__name__
                if d:
                    bufs[s] += d
                    continue
                if s not in results:
                    results[s] = bufs[s]
                sel.unregister(s)
                live -= 1
    took = time.monotonic() - t0
    sel.close()
    ok = other = errors = hung = 0
    statuses = {}
    for s in socks:
        r = results.get(s)
        if r is None:
            hung += 1
        elif isinstance(r, str) or not r:
            errors += 1
        else:
            head, _, body = r.partition(b"\r\n\r\n")
            try:
                st = int(head.split(b" ", 2)[1])
            except (IndexError, ValueError):
                st = -1
            statuses[st] = statuses.get(st, 0) + 1
            if st == 200:
                try:
                    json.loads(body.decode("utf-8"))
                    ok += 1
                except ValueError:
                    other += 1
            else:
                other += 1
        s.close()
    alive = proc.poll() is None
    check("1,000 at once: the server stays up", alive, "exit %s" % proc.returncode if not alive else "")
    if not alive:
        return
    time.sleep(1.0)
    rss1 = rss_kb(proc.pid)
    figures = ("%d of %d answered 200 with JSON, %d other statuses %s, %d reset/refused (+%d at connect), %d no answer"
               " in 120 s; %.1f s" % (ok, n, other, statuses, errors, refused, hung, took))
    check("1,000 at once: every connection answered or cleanly refused, most 200", hung == 0 and ok >= n * 0.9
          and all(st in (200, 503) for st in statuses), figures)
    check("1,000 at once: RSS after the storm under 2x the warm RSS", rss1 < 2 * rss0,
          "VmRSS %d kB after warm-up, %d kB after the storm (%.2fx)" % (rss0, rss1, rss1 / max(rss0, 1)))
    check("1,000 at once: another client is served while they are all open", during is not None and
          during[0] == 200 and during[2] < 2 and open_then >= n * 0.99,
          "%s with %d storm connections open" % ("%d in %.3f s" % (during[0], during[2]) if during else "not tried",
                                                 open_then if during else 0))
    st, _, dt = request(port, "GET", "/api/incidents?q=" + q("ランサムウェア"))
    check("1,000 at once: a normal client is served afterwards", st == 200 and dt < 2, "%d in %.3f s" % (st, dt))


# ---------------------------------------------------------------- 3. SIGKILL during POSTs

def split_notices(path, per):
    text = open(path, encoding="utf-8").read()
    head = "【セキュリティ事件簿#"
    parts = text.split("\n" + head)
    notices = [parts[0]] + [head + p for p in parts[1:]]
    return ["\n\n".join(notices[i:i + per]).encode("utf-8") + b"\n" for i in range(0, len(notices), per)], len(notices)


def post_all(port, token, bodies, threads=4):
    out = [None] * len(bodies)
    nxt = [0]
    mu = threading.Lock()

    def work():
        while True:
            with mu:
                i = nxt[0]
                nxt[0] += 1
            if i >= len(bodies):
                return
            out[i] = request(port, "POST", "/api/notices?source=faults", body=bodies[i],
                             headers={"Authorization": "Bearer " + token, "Content-Type": "text/plain; charset=utf-8"},
                             timeout=120)

    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    return ts, out


def killed_mid_post(token, tokfile):
    db = os.path.join(TMP, "kill.db")
    corpus = os.path.join(TMP, "corpus.txt")
    subprocess.run([sys.executable, os.path.join(SRC, "bench", "gen.py"), corpus, "3"], check=True,
                   stdout=subprocess.DEVNULL)
    bodies, n_notices = split_notices(corpus, 40)
    base = new_casebook(db)
    proc, port = start(db, "--token-file", tokfile)
    ts, out = post_all(port, token, bodies)
    # kill once the first batch is stored, so that others are mid-transaction
    t0 = time.monotonic()
    while time.monotonic() - t0 < 60 and not any(o is not None for o in out):
        time.sleep(0.02)
    time.sleep(0.15)
    proc.kill()
    proc.wait()
    for t in ts:
        t.join()
    done = sum(1 for o in out if o is not None and o[0] in (200, 201))
    n = store_checks(db, "SIGKILL mid-POST")
    check("SIGKILL mid-POST: killed with batches in flight", done < len(bodies),
          "%d of %d batches (%d notices, %.1f MB) answered before the kill, %d notices stored"
          % (done, len(bodies), n_notices, sum(map(len, bodies)) / 1e6, n))
    # restart, post everything again: each notice exactly once
    proc, port = start(db, "--token-file", tokfile)
    try:
        ts, out = post_all(port, token, bodies)
        for t in ts:
            t.join()
        bad = [o[0] for o in out if o is None or o[0] not in (200, 201)]
        posted = 0
        for o in out:
            if o and o[0] in (200, 201):
                posted += len(json.loads(o[1])["notices"])
        total, distinct = count_notices(db)
        check("SIGKILL mid-POST: re-POST after a restart stores each notice once", not bad and total == distinct
              and total == posted + base,
              "%d batches failed %s; %d notices in the replies, %d rows, %d distinct hashes"
              % (len(bad), bad[:5], posted, total, distinct))
        st, body, _ = request(port, "GET", "/api/incidents?per_page=1")
        before = json.loads(body)["total"] if st == 200 else -1
        ts, out = post_all(port, token, bodies[:3])
        for t in ts:
            t.join()
        st, body, _ = request(port, "GET", "/api/incidents?per_page=1")
        after = json.loads(body)["total"] if st == 200 else -2
        again = [o[0] for o in out if o]
        check("SIGKILL mid-POST: a third POST changes nothing", before == after and again == [200] * 3
              and count_notices(db)[0] == total, "incidents %d before, %d after; statuses %s" % (before, after, again))
    finally:
        stop(proc)
    store_checks(db, "after the re-POST")


# ---------------------------------------------------------------- 4. bodies

def bodies_checks(token, tokfile):
    db = os.path.join(TMP, "body.db")
    base = new_casebook(db)
    proc, port = start(db, "--token-file", tokfile, "--max-body", "1M")
    try:
        # a declared 1 GB body: 413 before any of it is sent
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        t0 = time.monotonic()
        s.sendall(("POST /api/notices HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: text/plain\r\nContent-Length: 1000000000\r\n\r\n" % token).encode())
        got = b""
        try:
            while b"\r\n\r\n" not in got:
                d = s.recv(4096)
                if not d:
                    break
                got += d
        except OSError as e:
            got += str(e).encode()
        dt = time.monotonic() - t0
        s.close()
        check("Content-Length over the cap: 413 without the body being read", got.startswith(b"HTTP/1.1 413") and dt < 2,
              "%r in %.3f s, 0 of 1,000,000,000 bytes sent" % (got.split(b"\r\n", 1)[0], dt))
        # 2 MB sent against a 1 MB cap, without Content-Length (chunked): 413, nothing stored
        chunk = ("【セキュリティ事件簿#2026-001】株式会社テスト 不正アクセスについて\n\n" + "本文。" * 100 + "\n").encode()
        big = chunk * (2_000_000 // len(chunk) + 1)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            c.request("POST", "/api/notices", body=iter([big[i:i + 65536] for i in range(0, len(big), 65536)]),
                      headers={"Authorization": "Bearer " + token, "Content-Type": "text/plain"}, encode_chunked=True)
            st = c.getresponse().status
        except (OSError, http.client.HTTPException) as e:
            st = str(e)
        c.close()
        check("chunked body over the cap: 413, nothing stored", st == 413 and count_notices(db)[0] == base,
              "status %s, %d notices (%d before)" % (st, count_notices(db)[0], base))
        # a client that hangs up in the middle of its body
        note = ("【セキュリティ事件簿#2026-002】株式会社カイセン 顧客情報の漏えいについて 2026年1月5日\n\n"
                " 2026年1月4日、当社の顧客管理サーバが不正アクセスを受け、顧客情報約3,000件が漏えいした可能性が"
                "あることが判明しました。" * 20 + "\n").encode("utf-8")
        for cut in (1, len(note) // 2, len(note) - 1):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(("POST /api/notices HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                       "Content-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % (token, len(note))).encode()
                      + note[:cut])
            time.sleep(0.2)
            s.close()
        time.sleep(0.5)
        n = count_notices(db)[0] - base
        st, _, _ = request(port, "GET", "/api/version")
        check("a client hanging up mid-body stores nothing", n == 0 and st == 200 and proc.poll() is None,
              "3 bodies cut at 1 byte, half, all but 1: %d notices stored, /api/version %d" % (n, st))
        st, body, _ = request(port, "POST", "/api/notices", body=note,
                              headers={"Authorization": "Bearer " + token, "Content-Type": "text/plain; charset=utf-8"})
        check("the same notice sent whole is stored once", st == 201 and count_notices(db) == (base + 1, base + 1),
              "%d, %s notices" % (st, count_notices(db)))
    finally:
        rc = stop(proc)
    check("SIGTERM stops the server after the body faults", rc == 0, "exit %d" % rc)
    store_checks(db, "after the body faults")


def main():
    t_start = time.monotonic()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 4096 if hard == resource.RLIM_INFINITY else min(hard, 4096)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    token = "f" * 8 + os.urandom(12).hex()  # 32 characters
    tokfile = os.path.join(TMP, "token")
    with open(tokfile, "w") as f:
        f.write(token + "\n")
    os.chmod(tokfile, 0o600)

    db = os.path.join(TMP, "read.db")
    samples = sorted(os.path.join(SRC, "sample", f) for f in os.listdir(os.path.join(SRC, "sample"))
                     if f.endswith((".txt", ".html")))
    r = subprocess.run([JKB, "ingest", "--db", db, "-q", *samples], capture_output=True)
    if r.returncode != 0:
        raise SystemExit("ingest of the samples failed: " + r.stderr.decode())
    env = None
    if ASAN:  # ASan keeps freed blocks in quarantine (256 MB): RSS would measure that, not the server
        env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=16")
    proc, port = start(db, env=env)
    try:
        st, body, _ = request(port, "GET", "/api/incidents?per_page=100")
        ids = [it["id"] for it in json.loads(body)["items"]]
        # the server's own fd limit must hold 1,000 connections (it inherits ours)
        storm(proc, port, ids)
        slow_loris(port)
    finally:
        rc = stop(proc)
    check("SIGTERM stops the server after the storm and the slow-loris", rc == 0, "exit %d" % rc)
    killed_mid_post(token, tokfile)
    bodies_checks(token, tokfile)
    reports = []
    for name in LOGS:
        with open(name, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        reports += [line for line in text.splitlines() if "Sanitizer" in line or "runtime error" in line]
    check("no sanitizer report from the %d servers" % len(LOGS), not reports, "; ".join(reports[:3]))
    print("(%.0f s)" % (time.monotonic() - t_start))
    if problems:
        print("server faults: %d problem(s) in %d checks" % (problems, checks))
        return 1
    print("server faults: all %d checks passed" % checks)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
