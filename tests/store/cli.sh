#!/bin/sh
# The casebook commands end to end on the bundled sample: ingest (again:
# unchanged), search in every format and with filters, show, stats by every
# dimension and --timing, export, reindex, quote and FTS-syntax payloads in
# every filter, --help and `help CMD` of every command, and the exit statuses
# of bad input.
# usage: tests/store/cli.sh JIKENBO_BINARY [SOURCE_DIR]
set -u
BIN=$1
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# $JIKENBO_DB runs the same checks against another casebook (tests/store/pg.sh)
DB=${JIKENBO_DB:-$T/c.db}
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
# expect STATUS CMD...: run, keep stdout/stderr in $T/out, $T/err
expect() {
    want=$1
    shift
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    [ "$got" = "$want" ] || fail "exit $got (want $want): $* :: $(head -c 300 "$T/err")"
}
has() { grep -q -- "$1" "$T/$2" || fail "'$1' not in $2 of the last command: $(head -c 300 "$T/$2")"; }

# ---- ingest ----
expect 0 "$BIN" ingest --db "$DB" "$SRC/sample"
has '^[0-9]* stored, 0 unchanged, 0 updated, 0 skipped$' err
STORED=$(tail -n 1 "$T/err" | cut -d' ' -f1)
[ "$STORED" -ge 9 ] || fail "only $STORED notices from sample/"
printf '\r' >"$T/cr"
if grep -q "$(cat "$T/cr")" "$T/err"; then fail "a progress bar while stderr is not a terminal"; fi
expect 0 "$BIN" ingest --db "$DB" "$SRC/sample"
has "^0 stored, $STORED unchanged, 0 updated, 0 skipped\$" err
# a missing file, a binary file and one over the cap are reported and skipped
head -c 3000 /dev/urandom >"$T/binary.txt"
printf '\000\001\002' >>"$T/binary.txt"
expect 1 "$BIN" ingest --db "$DB" "$T/no-such-file.txt" "$T/binary.txt" "$SRC/sample/shop-card.txt"
has 'no-such-file.txt' err
has 'binary.txt' err
has "^0 stored, 1 unchanged, 0 updated, 2 skipped\$" err
expect 1 "$BIN" ingest --db "$DB" --max-size 1K "$SRC/sample/shop-card.txt"
has 'max-size' err
has '1 skipped$' err
# stdin, and $JIKENBO_DB
printf '令和7年3月3日\n\n株式会社テスト標準入力\n\n書類の紛失について\n\n当社は書類を紛失しました。\n' >"$T/stdin.txt"
JIKENBO_DB=$DB expect 0 "$BIN" ingest - <"$T/stdin.txt"
has '^1 stored' err
expect 2 "$BIN" ingest --db "$DB"
expect 2 "$BIN" ingest --db "$DB" --bogus "$SRC/sample"

# folders: hidden files skipped, a symbolic link back up read once
mkdir -p "$T/tree/sub" "$T/tree/.hidden"
cp "$SRC/sample/city-misdelivery.txt" "$T/tree/sub/"
cp "$SRC/sample/shop-card.txt" "$T/tree/.hidden/"
printf 'not a notice' >"$T/tree/.dotfile.txt"
ln -s .. "$T/tree/sub/loop"
# notes and a casebook inside the folder are passed over, not read as notices
printf '# notes on 不正アクセス\n\n2025年3月3日 株式会社メモ\n' >"$T/tree/notes.md"
case $DB in *://*) ;; *) cp "$DB" "$T/tree/old.db" ;; esac
expect 0 "$BIN" ingest --db "$T/tree.db" "$T/tree"
has '^1 stored, 0 unchanged, 0 updated, 0 skipped$' err
# ... but a file named on the command line is read whatever its name
cp "$SRC/sample/shop-card.txt" "$T/named.md"
expect 0 "$BIN" ingest --db "$T/tree.db" "$T/named.md"
has '^1 stored' err
# feeds: each item with its link as source (--no-fetch: the items' own
# text; their links name hosts that do not exist)
if [ -f "$SRC/tests/unit/data/feed-atom.xml" ]; then
    expect 0 "$BIN" ingest --no-fetch --db "$T/feed.db" "$SRC/tests/unit/data/feed-atom.xml"
    if grep -q warning "$T/err"; then fail "--no-fetch warned: $(cat "$T/err")"; fi
    expect 0 "$BIN" search --db "$T/feed.db" --format csv
    has 'https://casebook.example.org/' out
fi
# http: a URL's notice is the same notice as the file it serves
if command -v python3 >/dev/null; then
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir "$T/www"
    cp "$SRC"/sample/*.txt "$T/www/"
    # a feed whose first item links to a page served here and whose second
    # links to one that is not
    cat >"$T/www/feed.xml" <<FEED
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>事件簿</title>
<item><title>USBメモリの紛失</title><link>http://127.0.0.1:$PORT/university-usb.txt</link>
<description>2025年6月2日、株式会社フィード要約はUSBメモリを紛失しました。</description></item>
<item><title>不正アクセス</title><link>http://127.0.0.1:$PORT/gone.html</link>
<description>2025年6月3日、株式会社フィード代替は不正アクセスを受けました。</description></item>
</channel></rss>
FEED
    python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$T/www" >/dev/null 2>&1 &
    HTTPD=$!
    for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null && break
        sleep 0.2
    done
    expect 0 "$BIN" ingest --db "$DB" "http://127.0.0.1:$PORT/shop-card.txt"
    has '^0 stored, 1 unchanged, 0 updated, 0 skipped$' err
    expect 1 "$BIN" ingest --db "$DB" "http://127.0.0.1:$PORT/no-such-notice.txt"
    has '404' err
    has '1 skipped$' err
    # feed items: the linked page is the notice, with the link as source; a
    # link that fails is named with its reason and the item's text goes in
    for feed in "http://127.0.0.1:$PORT/feed.xml" "$T/www/feed.xml"; do
        rm -f "$T/items.db"
        expect 0 "$BIN" ingest --db "$T/items.db" "$feed"
        has "warning: http://127.0.0.1:$PORT/gone.html: .*404" err
        has '^2 stored, 0 unchanged, 0 updated, 0 skipped$' err
        if grep -q "university-usb" "$T/err"; then fail "the served page was warned about: $(cat "$T/err")"; fi
        expect 0 "$BIN" search --db "$T/items.db" --format csv 瑠璃ヶ丘大学
        has "http://127.0.0.1:$PORT/university-usb.txt" out
        expect 0 "$BIN" search --db "$T/items.db" --format csv フィード要約
        [ "$(wc -l <"$T/out")" = 1 ] || fail "the item's own text was stored beside its page: $(cat "$T/out")"
        expect 0 "$BIN" search --db "$T/items.db" --format csv フィード代替
        has "http://127.0.0.1:$PORT/gone.html" out
    done
    # --no-fetch: the items' own text, no request, no warning
    rm -f "$T/items.db"
    expect 0 "$BIN" ingest --no-fetch --db "$T/items.db" "$T/www/feed.xml"
    if grep -q warning "$T/err"; then fail "--no-fetch fetched: $(cat "$T/err")"; fi
    expect 0 "$BIN" search --db "$T/items.db" --format csv フィード要約
    has "http://127.0.0.1:$PORT/university-usb.txt" out
    expect 0 "$BIN" search --db "$T/items.db" --format csv 瑠璃ヶ丘大学
    [ "$(wc -l <"$T/out")" = 1 ] || fail "--no-fetch stored the linked page: $(cat "$T/out")"
    kill "$HTTPD" 2>/dev/null
    wait "$HTTPD" 2>/dev/null
fi

# ---- search ----
expect 0 "$BIN" search --db "$DB" 紛失
has 'USBメモリ' out
has 'テスト標準入力' out
expect 0 "$BIN" search --db "$DB" ランサムウェア --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)>=1 and "record" in d[0], d' "$T/out" ||
    fail "search --format json is not a JSON array of notices"
expect 0 "$BIN" search --db "$DB" --format ndjson
[ "$(wc -l <"$T/out")" -eq $((STORED + 1)) ] || fail "ndjson gives $(wc -l <"$T/out") lines"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/out" || fail "ndjson lines"
expect 0 "$BIN" search --db "$DB" --format csv --category misdelivery
has '^id,incident_id,case_id' out
has '朝凪市' out
expect 0 "$BIN" search --db "$DB" --org-kind medical --format ndjson
has '翠嶺会' out
expect 0 "$BIN" search --db "$DB" --actor lockbit --format ndjson
has 'LockBit' out
expect 0 "$BIN" search --db "$DB" --data-class credit_card --authority ppc --since 2025-01 --until 2025-12
has 'ハナミズキ' out
expect 0 "$BIN" search --db "$DB" --limit 2
[ "$(wc -l <"$T/out")" -eq 3 ] || fail "--limit 2 gives $(wc -l <"$T/out") lines"
has 'newest 2 shown' err
expect 0 "$BIN" search --db "$DB" '"NEAR(' 
expect 0 "$BIN" search --db "$DB" "' OR 1=1 --"
has 'no notice matched' err
expect 0 "$BIN" search --db "$DB" --actor "x'); DROP TABLE notices; --"
expect 2 "$BIN" search --db "$DB" --category nosuch
has 'ransomware' err
expect 2 "$BIN" search --db "$DB" --since 2023-13
expect 2 "$BIN" search --db "$DB" --since 2024 --until 2023
expect 2 "$BIN" search --db "$DB" '   '
expect 2 "$BIN" search --db "$DB" --format xml
expect 2 "$BIN" search --db "$DB" a b

# ---- show ----
ID=$("$BIN" search --db "$DB" USBメモリ --format csv | sed -n 2p | cut -d, -f1)
expect 0 "$BIN" show --db "$DB" "$ID"
has 'record' out
has '«' out
has '»\[categories:loss_theft\]' out
has '^incident ' out
has 'USBメモリ' out
has '^assessment' out
has 'appi\.' out
expect 0 "$BIN" show --db "$DB" --json "$ID"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["text"] and d["notice"]["record"]' "$T/out" ||
    fail "show --json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); a=d["assessment"]; assert a["regime_jp"] and any(v["id"].startswith("appi.") for v in a["obligations"]), a' "$T/out" ||
    fail "show --json has no assessment"
expect 1 "$BIN" show --db "$DB" 999999
has 'no notice' err
# assess ID: a stored notice, as assess FILE would give it
CARD=$("$BIN" search --db "$DB" ハナミズキ --format csv | sed -n 2p | cut -d, -f1)
expect 0 "$BIN" assess --db "$DB" --format table "$CARD"
has 'appi.sokuhou' out
"$BIN" assess --format table "$SRC/sample/shop-card.txt" >"$T/file-assess" 2>/dev/null
grep appi "$T/out" >"$T/id-assess"
grep appi "$T/file-assess" | cmp -s - "$T/id-assess" || fail "assess ID differs from assess FILE"
expect 1 "$BIN" assess --db "$DB" 999999
has 'no notice 999999' err
expect 2 "$BIN" show --db "$DB" abc
expect 2 "$BIN" show --db "$DB"

# ---- stats ----
for by in month year category org_kind vector actor data_class authority; do
    expect 0 "$BIN" stats --db "$DB" --by $by
    expect 0 "$BIN" stats --db "$DB" --by $by --notices --format csv
done
expect 0 "$BIN" stats --db "$DB" --by category --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d and "incidents" in d[0]' "$T/out" || fail "stats json"
expect 0 "$BIN" stats --db "$DB" --by org_kind --since 2025
has 'medical' out
expect 0 "$BIN" stats --db "$DB" --timing
has 'detected_to_reported' out
expect 0 "$BIN" stats --db "$DB" --timing --format ndjson
# a dimension the store refuses: the message only, nothing on stdout
for f in table json csv ndjson; do
    expect 2 "$BIN" stats --db "$DB" --by colour --format $f
    [ -s "$T/out" ] && fail "stats --by colour --format $f wrote to stdout: $(head -c 200 "$T/out")"
    has "colour" err
done
# the timing is per incident: --notices cannot change it, so it is refused
expect 2 "$BIN" stats --db "$DB" --timing --notices
[ -s "$T/out" ] && fail "stats --timing --notices wrote to stdout: $(head -c 200 "$T/out")"
has "\-\-notices" err
expect 2 "$BIN" stats --db "$DB"

# ---- export ----
for f in ndjson json csv; do
    expect 0 "$BIN" export --db "$DB" --format $f
done
expect 0 "$BIN" export --db "$DB" --format ndjson --category ransomware
has 'ransomware' out
# each exported row carries its reporting obligations, the same as assess ID
python3 - "$T/out" "$BIN" "$DB" <<'EOF' || fail "export ndjson: the assessment of each row"
import json, subprocess, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8') if l.strip()]
assert rows and all('assessment' in r for r in rows), 'a row without "assessment"'
r = rows[0]
a = json.loads(subprocess.run([sys.argv[2], 'assess', '--db', sys.argv[3], '--format', 'json', str(r['id'])],
                              capture_output=True, check=True).stdout)
a = (a[0] if isinstance(a, list) else a)['assessment']
got = [(o['id'], o['applies'], o['status']) for o in r['assessment']['obligations']]
want = [(o['id'], o['applies'], o['status']) for o in a['obligations']]
assert got == want and got, (got, want)
EOF
expect 0 "$BIN" export --db "$DB" --format csv --category ransomware
head -1 "$T/out" | grep -q ',index,obligations' || fail "export csv: no obligations column"
grep -q 'appi\.[a-z0-9]*:\(yes\|may_apply\):' "$T/out" || fail "export csv: no obligation in the rows: $(head -c 400 "$T/out")"
# stix and misp come from the export library (tests/export has their own checks)
expect 0 "$BIN" export --db "$DB" --format stix
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["type"] == "bundle"' "$T/out" || fail "stix bundle"
expect 0 "$BIN" export --db "$DB" --format misp
expect 2 "$BIN" export --db "$DB" --format xml

# a reader that went away (export | head -1): quiet, status 0, for every
# command that writes data. The pipe's read end is closed before jikenbo
# starts, so every write fails.
for args in "export --format ndjson" "export --format csv" "export --format stix" "search" "search --format json" \
    "stats --by category" "stats --timing" "show 1"; do
    # shellcheck disable=SC2086
    python3 - "$BIN" $args --db "$DB" >"$T/closed" 2>&1 <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE, timeout=60)
print(p.returncode, p.stderr.decode(errors="replace"))
PY
    [ "$(cat "$T/closed")" = "0 " ] || fail "$args to a closed pipe: want exit 0 and no message, got: $(head -c 300 "$T/closed")"
done

# ---- reindex ----
expect 0 "$BIN" reindex --db "$DB"
has "^$((STORED + 1)) notices, 0 updated, $((STORED + 1)) unchanged\$" err

# ---- quote and FTS-syntax payloads in every filter ----
# A notice that holds each payload literally; then every payload in every
# filter of search, stats and export: QUERY and --actor are taken as text
# (every notice given back holds each word of it, and the notice that holds
# it is found), the fixed-vocabulary, date and number options refuse it with
# exit 2 naming the option, and the casebook is left as it was.
cat >"$T/payload.txt" <<'NOTICE'
令和7年4月1日

株式会社記号検査

記号を含む文字列の表示について

当社の検索画面に O'Reilly と "quoted" の表記、'; DROP TABLE notices; -- と " OR 1=1 -- の文字列、
NEAR(a b) と title:x と a* OR b の記法、100% と snake_case と C:\path の表記が表示されました。
NOTICE
JIKENBO_DB=$DB expect 0 "$BIN" ingest - <"$T/payload.txt"
has '^1 stored' err
python3 - "$BIN" "$DB" <<'EOF' || fail "quote and FTS-syntax payloads in the filters"
import json, subprocess, sys, unicodedata
BIN, DB = sys.argv[1], sys.argv[2]
bad = []
def run(*args):
    r = subprocess.run([BIN, args[0], "--db", DB, *args[1:]], capture_output=True, timeout=60)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
def ids(*args):
    rc, out, err = run(*args)
    if rc != 0:
        bad.append("exit %d: %r: %s" % (rc, args, err[:200]))
        return None
    return [json.loads(l)["id"] for l in out.splitlines() if l.strip()]
# search matches ASCII in either width and either case: compare folded
fold = lambda s: unicodedata.normalize("NFKC", s).casefold()
every = ids("search", "--format", "ndjson", "--limit", "0")
texts = {}
for i in every:
    d = json.loads(run("show", "--json", str(i))[1])
    texts[i] = fold((d["notice"]["record"].get("title") or "") + "\n" + d["text"])
planted = [i for i, t in texts.items() if "記号検査" in t]
assert len(planted) == 1, planted
HIT = ["'", '"', "'; DROP TABLE notices; --", '" OR 1=1 --', "NEAR(a b)", "title:x", "a* OR b", "%", "_", "\\",
       "O'Reilly", '"quoted"', "100%", "snake_case", "C:\\path"]
MISS = ["'; DROP TABLE zq; --", '" OR 1=1 -- zq', "NEAR(zq yq)", "title:zq", "zq* OR yq", "%zq%", "zq_", "\\zq",
        "zq'", '"zq"', "zq OR 1", "NOT zq", "^zq", "zq:*", "%_%"]
for p in HIT + MISS:
    got = ids("search", "--format", "ndjson", "--limit", "0", p)
    if got is None:
        continue
    words = fold(p).split()
    wrong = [i for i in got if not all(w in texts.get(i, "") for w in words)]
    if wrong:
        bad.append("search %r gives notices without it: %s" % (p, wrong[:5]))
    if p in HIT and planted[0] not in got:
        bad.append("search %r misses the notice that holds it" % p)
    if p in MISS and got:
        bad.append("search %r gives %d notices, none holds it" % (p, len(got)))
    # the same query counted and exported: the same notices
    rc, out, err = run("stats", "--by", "year", "--notices", "--format", "json", p)
    n = sum(r["notices"] for r in json.loads(out)) if rc == 0 else -1
    if n != len(got):
        bad.append("stats %r counts %d notices, search gives %d (exit %d %s)" % (p, n, len(got), rc, err[:100]))
    ex = ids("export", "--format", "ndjson", p)
    if ex is not None and sorted(ex) != sorted(got):
        bad.append("export %r gives %d notices, search %d" % (p, len(ex), len(got)))
# --actor: no notice names an actor like these (LIKE wildcards included)
for p in HIT + MISS:
    for cmd in (["search", "--format", "ndjson", "--limit", "0"], ["export", "--format", "ndjson"]):
        got = ids(*cmd, "--actor", p)
        if got:
            bad.append("%s --actor %r gives %d notices" % (cmd[0], p, len(got)))
    rc, out, err = run("stats", "--by", "actor", "--format", "json", "--actor", p)
    if rc != 0 or json.loads(out or "null") != []:
        bad.append("stats --actor %r: exit %d, %s" % (p, rc, (out + err)[:100]))
# fixed vocabularies, dates, numbers: refused, the option named, nothing out
# (HIT holds every kind of payload; MISS would only double the time)
for p in HIT:
    for cmd in (["search"], ["stats", "--by", "year"], ["export", "--format", "ndjson"]):
        opts = ["--category", "--org-kind", "--data-class", "--authority", "--since", "--until"]
        if cmd[0] == "search":
            opts += ["--limit", "--offset"]
        for o in opts:
            rc, out, err = run(*cmd, o, p)
            if rc != 2 or o not in err or out:
                bad.append("%s %s %r: exit %d (want 2 naming %s): %s" % (cmd[0], o, p, rc, o, err[:120]))
after = ids("search", "--format", "ndjson", "--limit", "0")
if after is not None and sorted(after) != sorted(every):
    bad.append("the casebook changed: %d notices before, %d after" % (len(every), len(after)))
for b in bad[:30]:
    print("  " + b)
sys.exit(1 if bad else 0)
EOF
case $DB in
*://*) ;;
*) if command -v sqlite3 >/dev/null; then
    ic=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
    [ "$ic" = ok ] || fail "integrity_check after the payloads: $(echo "$ic" | head -c 200)"
fi ;;
esac

# ---- a casebook from a newer jikenbo ----
case $DB in *://*) ;; *) cp "$DB" "$T/newer.db" ;; esac
if command -v sqlite3 >/dev/null && [ -f "$T/newer.db" ]; then
    sqlite3 "$T/newer.db" "UPDATE meta SET value = '99' WHERE key = 'schema_version'"
    expect 1 "$BIN" search --db "$T/newer.db"
    has 'created by a newer jikenbo' err
fi
expect 1 "$BIN" search --db "$T/no/such/dir/x.db"
# a casebook path that does not exist is refused, not created empty (only
# ingest creates one)
for args in "search" "search 紛失" "show 1" "stats --by category" "stats --timing" "export --format ndjson" \
    "reindex" "serve --listen 127.0.0.1:0" "report -o $T/r.html" "assess --format table 1"; do
    # shellcheck disable=SC2086
    expect 1 timeout 10 "$BIN" $args --db "$T/missing.db"
    has "no casebook at $T/missing.db; .jikenbo ingest. creates one" err
    [ -s "$T/out" ] && fail "$args on a missing casebook wrote to stdout: $(head -c 200 "$T/out")"
    if ls "$T"/missing.db* >/dev/null 2>&1; then
        fail "$args created $(ls "$T"/missing.db*)"
        rm -f "$T"/missing.db*
    fi
done
JIKENBO_DB=sqlite:$T/missing.db expect 1 "$BIN" search
has "no casebook at $T/missing.db" err
expect 0 "$BIN" ingest --db "$T/missing.db" "$SRC/sample/shop-card.txt"
expect 0 "$BIN" search --db "$T/missing.db" ハナミズキ
has 'ハナミズキ' out

# ---- a follow-up joins the incident it continues ----
# the hospital's 第1報 (sample/) is followed by an unrelated 誤送信 notice of the
# same hospital, then the 第2報: it continues the ransomware incident, not
# the latest one
expect 0 "$BIN" ingest --db "$DB" "$SRC/tests/store/hospital-misdelivery.txt"
expect 0 "$BIN" ingest --db "$DB" "$SRC/tests/corpus/hospital-followup.txt"
expect 0 "$BIN" search --db "$DB" --format json --limit 0 翠嶺中央病院
python3 - "$T/out" <<'PY' || fail "the 第2報 did not join the 第1報's incident"
import json, sys
rows = json.load(open(sys.argv[1]))
inc = {}
for r in rows:
    src = r["source"]
    for k in ("hospital-ransomware", "hospital-misdelivery", "hospital-followup"):
        if k in src:
            inc[k] = r["incident_id"]
assert len(inc) == 3, inc
assert inc["hospital-followup"] == inc["hospital-ransomware"], inc
assert inc["hospital-misdelivery"] != inc["hospital-ransomware"], inc
PY

# ---- help ----
for c in ingest search show stats export reindex; do
    expect 0 "$BIN" $c --help
    has "usage: jikenbo $c" out
    expect 0 "$BIN" help $c
    has "usage: jikenbo $c" out
done
expect 0 "$BIN" --help
has 'ingest' out

if [ $FAILS -ne 0 ]; then
    echo "$FAILS failures"
    exit 1
fi
echo "PASS: store cli"
