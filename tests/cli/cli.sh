#!/usr/bin/env bash
# CLI conventions of `jikenbo`: help and version on stdout with status 0,
# usage errors with status 2, failed inputs with status 1 while the other
# inputs are still extracted, the four output formats, casebook
# segmentation, user lexicons, -j determinism, evidence spans that point at
# the document bytes, write errors, and no colour when not on a terminal.
#
# usage: tests/cli/cli.sh path/to/jikenbo
# Prints one `ok - ...` / `not ok - ...` line per check (TAP-like) and exits 1
# when any check failed.

set -u

JKB=${1:?usage: cli.sh path/to/jikenbo}
case $JKB in /*) ;; *) JKB=$PWD/$JKB ;; esac
[ -x "$JKB" ] || { echo "cli.sh: $JKB is not an executable" >&2; exit 1; }
command -v python3 >/dev/null || { echo "cli.sh: python3 is needed" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/jkb-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T" || exit 1

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    shift
    for l in "$@"; do echo "#   $l"; done
}
# check DESC COND...: run COND (a command); ok when it succeeds.
check() {
    local d=$1; shift
    if "$@"; then ok "$d"; else nok "$d" "failed: $*"; fi
}

# run CMD...: status in $rc, stdout in out, stderr in err. A run killed by a
# signal or with a sanitizer report is counted as a crash (bench/robustness.sh
# reads the count), whatever the check after it says.
crashes=0
run() {
    "$@" >out 2>err
    rc=$?
    if [ $rc -ge 128 ] || grep -qE 'Sanitizer|runtime error:' err; then
        crashes=$((crashes + 1))
        nok "no crash: $* (exit $rc)" "stderr: $(head -c 300 err)"
    fi
}
# expect_rc WANT DESC: compare $rc after a run, show stderr on failure.
expect_rc() {
    if [ "$rc" -eq "$1" ]; then ok "$2 (exit $rc)"; else nok "$2" "exit $rc, want $1" "stderr: $(head -c 400 err)"; fi
}
nonempty() { [ -s "$1" ]; }
empty() { [ ! -s "$1" ]; }
has() { grep -q -- "$2" "$1"; }
hasF() { grep -qF -- "$2" "$1"; }

# ---- fixtures (written for this test) ----

cat >one.txt <<'EOF'
【セキュリティ事件簿#2024-101】株式会社みなと書房 不正アクセスによる顧客情報流出のお知らせ 2024年6月3日

株式会社みなと書房は、2024年5月28日に通販サイトへの不正アクセスを確認いたしました。
お客様の氏名、住所、電話番号、最大3,402件が流出した可能性がございます。
同日、当該サーバーをネットワークから遮断しました。
EOF

cat >casebook.txt <<'EOF'
【セキュリティ事件簿#2024-001】北浜精機株式会社 ランサムウェア被害のお知らせ 2024年1月15日

北浜精機株式会社は、2024年1月10日にランサムウェアによるファイルの暗号化を確認しました。
従業員約250名の氏名が含まれていた可能性があります。

【セキュリティ事件簿#2024-002】さくら台市 メール誤送信について 2024年2月2日

さくら台市は、市民45名分のメールアドレスを誤って送信したことを公表しました。
二次被害は確認されておりません。

【セキュリティ事件簿#2024-003】学校法人青葉学園 DDoS攻撃によるサイト停止のお知らせ 2024年3月9日

学校法人青葉学園のウェブサイトが、2024年3月8日にDDoS攻撃を受け閲覧できない状態となりました。
個人情報の流出はございません。
EOF

printf 'テスト語の発生について\n\n当社ではテスト語が観測されました。\n' >lexnotice.txt
printf '# a user lexicon\nテスト語\tcategory\tddos\n' >user.tsv
printf '# a broken user lexicon\nテスト語\tcategory\tddos\nこの行はタブがない\n' >bad.tsv

# a bigger casebook: enough notices for several -j blocks
python3 - <<'EOF'
import random
rnd = random.Random(7)
orgs = ["株式会社あおば工業", "みどり町", "医療法人はるか会", "東和物産株式会社", "学校法人北星学院"]
what = ["不正アクセス", "ランサムウェア感染", "フィッシングメール", "メール誤送信", "USBメモリ紛失"]
with open("big.txt", "w", encoding="utf-8") as f:
    for i in range(1, 1301):
        o = rnd.choice(orgs); w = rnd.choice(what)
        m = rnd.randint(1, 12); d = rnd.randint(1, 28); c = rnd.randint(1, 99999)
        f.write(f"【セキュリティ事件簿#2023-{i:03d}】{o} {w}に関するお知らせ 2023年{m}月{d}日\n\n")
        f.write(f"{o}は、2023年{m}月{d}日に{w}を確認しました。約{c:,}件の個人情報が流出した可能性がございます。\n")
        f.write("翌日、警察に相談しました。\n\n")
EOF

# ---- help, version, usage errors ----

for args in "--help" "-h" "help" "help extract" "extract --help" "extract -h"; do
    # shellcheck disable=SC2086
    run "$JKB" $args
    if [ "$rc" -eq 0 ] && has out '^usage: jikenbo' && empty err; then
        ok "jikenbo $args: usage on stdout, exit 0"
    else
        nok "jikenbo $args: usage on stdout, exit 0" "exit $rc" "stdout: $(head -c 200 out)" "stderr: $(head -c 200 err)"
    fi
done

run "$JKB" help extract
check "help extract describes the extract options" has out -- '--format'

# help's own help, as every command has one
for args in "help help" "help --help" "help -h"; do
    # shellcheck disable=SC2086
    run "$JKB" $args
    if [ "$rc" -eq 0 ] && has out '^usage: jikenbo help \[COMMAND\]' && empty err; then
        ok "jikenbo $args: help's usage on stdout, exit 0"
    else
        nok "jikenbo $args: help's usage on stdout, exit 0" "exit $rc" "stdout: $(head -c 200 out)" "stderr: $(head -c 200 err)"
    fi
done

for args in "--version" "-V"; do
    run "$JKB" $args
    if [ "$rc" -eq 0 ] && has out '^jikenbo [0-9][0-9.]*' && empty err; then
        ok "jikenbo $args prints the version (exit 0)"
    else
        nok "jikenbo $args prints the version (exit 0)" "exit $rc" "stdout: $(head -c 200 out)"
    fi
done

run "$JKB"
expect_rc 2 "no command"
check "no command: usage on stderr" has err 'usage'

run "$JKB" frobnicate
expect_rc 2 "unknown command"
check "unknown command: message names it" hasF err 'frobnicate'

run "$JKB" help frobnicate
expect_rc 2 "help for an unknown command"

run "$JKB" extract --frobnicate one.txt
expect_rc 2 "unknown option"
check "unknown option: message names it" hasF err '--frobnicate'
check "unknown option: nothing on stdout" empty out

run "$JKB" extract
expect_rc 2 "extract without files"
check "extract without files: a message" nonempty err

run "$JKB" extract --format yaml one.txt
expect_rc 2 "bad --format value"
check "bad --format value: message names it" hasF err 'yaml'

run "$JKB" extract --format=xml one.txt
expect_rc 2 "bad --format=value"

run "$JKB" extract one.txt --format
expect_rc 2 "--format without a value"

run "$JKB" extract -j lots one.txt
expect_rc 2 "bad -j value"

run "$JKB" extract --max-size 12Q one.txt
expect_rc 2 "bad --max-size value"

# ---- failed inputs ----

run "$JKB" extract --format ndjson does-not-exist.txt one.txt
expect_rc 1 "missing file beside a good one"
check "missing file: stderr names the file" hasF err 'does-not-exist.txt'
check "missing file: the good file is still extracted" hasF out '"case_id":"2024-101"'

run "$JKB" extract --format ndjson one.txt does-not-exist.txt
expect_rc 1 "missing file after a good one"
check "missing file after a good one: good record on stdout" hasF out '"case_id":"2024-101"'

run "$JKB" extract --format json does-not-exist.txt one.txt
check "missing file: json output is still a valid array with the good record" \
    python3 -c 'import json,sys; a=json.load(open("out")); sys.exit(not (isinstance(a,list) and len(a)==1 and a[0]["case_id"]=="2024-101"))'

run "$JKB" extract --format ndjson --max-size 100 one.txt
expect_rc 1 "input over --max-size"
check "input over --max-size: stderr names the file" hasF err 'one.txt'

mkdir adir
run "$JKB" extract --format ndjson adir one.txt
expect_rc 1 "a directory as input"
check "a directory as input: stderr names it" hasF err 'adir'
check "a directory as input: the good file is still extracted" hasF out '"case_id":"2024-101"'

# ---- success: quiet stderr, stdin ----

run "$JKB" extract --format ndjson one.txt
expect_rc 0 "one notice"
check "success: stderr is empty" empty err
cp out one.ndjson

run "$JKB" extract --format ndjson - <one.txt
expect_rc 0 "stdin via -"
check "stdin via -: stderr is empty" empty err
check "stdin via -: the record is there" hasF out '"case_id":"2024-101"'
check "stdin via -: same record as from the file (but the source)" python3 - <<'EOF'
import json, sys
a = json.loads(open("out").read()); b = json.loads(open("one.ndjson").read())
a.pop("source", None); b.pop("source", None)
sys.exit(a != b)
EOF

cat one.txt | "$JKB" extract --format ndjson - >out 2>err
rc=$?
expect_rc 0 "stdin from a pipe"

# ---- formats ----

run "$JKB" extract --format ndjson casebook.txt
expect_rc 0 "ndjson"
check "ndjson: one JSON object per line, one line per notice, in order" python3 - <<'EOF'
import json, sys
lines = open("out", encoding="utf-8").read().split("\n")
assert lines[-1] == "", "no final newline"
recs = [json.loads(l) for l in lines[:-1]]
assert all(isinstance(r, dict) for r in recs)
ids = [r["case_id"] for r in recs]
if ids != ["2024-001", "2024-002", "2024-003"]:
    print("#   case ids:", ids); sys.exit(1)
if [r["source"]["index"] for r in recs] != [0, 1, 2]:
    print("#   indices:", [r["source"]["index"] for r in recs]); sys.exit(1)
EOF

run "$JKB" extract --format json casebook.txt one.txt
expect_rc 0 "json"
check "json: a valid array of all records in order" python3 - <<'EOF'
import json, sys
a = json.load(open("out", encoding="utf-8"))
ids = [r["case_id"] for r in a]
sys.exit(ids != ["2024-001", "2024-002", "2024-003", "2024-101"])
EOF

run "$JKB" extract casebook.txt
check "json is the default format" python3 -c 'import json,sys; sys.exit(len(json.load(open("out")))!=3)'

run "$JKB" extract --format json does-not-exist.txt
check "json with no good input is still an array ([])" python3 -c 'import json,sys; sys.exit(json.load(open("out"))!=[])'

run "$JKB" extract --format json --no-evidence one.txt
check "--no-evidence leaves out evidence" python3 -c 'import json,sys; sys.exit("evidence" in json.load(open("out"))[0])'

run "$JKB" extract --format table casebook.txt
expect_rc 0 "table"
check "table: a header line and one row per notice" python3 - <<'EOF'
import sys
lines = open("out", encoding="utf-8").read().rstrip("\n").split("\n")
ok = len(lines) == 4 and "case_id" in lines[0] and all(("2024-00%d" % (i + 1)) in lines[i + 1] for i in range(3))
if not ok:
    print("\n".join("#   " + l for l in lines)); sys.exit(1)
EOF
check "table output piped: no ESC byte" python3 -c 'import sys; sys.exit(b"\x1b" in open("out","rb").read())'

run "$JKB" extract --format csv casebook.txt
expect_rc 0 "csv"
cp out casebook.csv
run "$JKB" extract --format csv lexnotice.txt
cp out other.csv
check "csv: parses, stable header, one row per notice, same field count" python3 - <<'EOF'
import csv, sys
def rows(p):
    with open(p, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))
a, b = rows("casebook.csv"), rows("other.csv")
h = a[0]
assert h == b[0], "header differs between inputs"
for col in ("file", "index", "case_id", "title", "org", "published", "categories", "affected"):
    assert col in h, "no column " + col
assert len(a) == 4, "rows: %d" % len(a)
assert all(len(r) == len(h) for r in a + b), "ragged rows"
ci = h.index("case_id")
assert [r[ci] for r in a[1:]] == ["2024-001", "2024-002", "2024-003"]
EOF

# ---- casebook segmentation with --single ----

run "$JKB" extract --format ndjson --single casebook.txt
check "--single: the casebook is one record" python3 -c 'import sys; sys.exit(len(open("out").read().splitlines())!=1)'

# ---- user lexicon ----

run "$JKB" extract --format ndjson lexnotice.txt
check "without --lexicon: テスト語 is no ddos" python3 -c 'import json,sys; sys.exit("ddos" in json.loads(open("out").readline())["categories"])'

run "$JKB" extract --format ndjson --lexicon user.tsv lexnotice.txt
expect_rc 0 "--lexicon with a user TSV"
check "--lexicon: テスト語 gives category ddos" python3 -c 'import json,sys; sys.exit("ddos" not in json.loads(open("out").readline())["categories"])'

run "$JKB" extract --format ndjson --lexicon bad.tsv lexnotice.txt
expect_rc 2 "--lexicon with a malformed line"
check "malformed lexicon: message names file:line" hasF err 'bad.tsv:3'
check "malformed lexicon: nothing on stdout" empty out

run "$JKB" extract --format ndjson --lexicon no-such.tsv lexnotice.txt
expect_rc 2 "--lexicon with a missing file"
check "missing lexicon: message names it" hasF err 'no-such.tsv'

# ---- -j determinism ----

for fmt in ndjson json csv table; do
    "$JKB" extract --format $fmt -j 1 big.txt >j1.$fmt 2>j1.err
    r1=$?
    "$JKB" extract --format $fmt -j 2 big.txt >j2.$fmt 2>j2.err
    r2=$?
    if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && cmp -s j1.$fmt j2.$fmt; then
        ok "-j 2 output is byte-identical to -j 1 ($fmt, $(wc -l <j1.$fmt) lines)"
    else
        nok "-j 2 output is byte-identical to -j 1 ($fmt)" "exit $r1/$r2" "$(cmp j1.$fmt j2.$fmt 2>&1)"
    fi
done
check "-j: every notice of the big casebook is there" python3 -c 'import sys; sys.exit(len(open("j1.ndjson").read().splitlines())!=1300)'
"$JKB" extract --format ndjson -j 2 big.txt one.txt casebook.txt >j2m 2>/dev/null
"$JKB" extract --format ndjson -j 1 big.txt one.txt casebook.txt >j1m 2>/dev/null
check "-j 2 equals -j 1 over several files" cmp -s j1m j2m

# ---- evidence spans point at the document bytes ----

cat >spans.py <<'EOF'
import json, sys
# usage: spans.py NDJSON FILE...  (source.file names the document)
docs = {}
bad = 0
count = 0
def walk(v, doc, where):
    global bad, count
    if isinstance(v, dict):
        if "start" in v and "end" in v and "text" in v:
            count += 1
            s, e = v["start"], v["end"]
            if not (0 <= s <= e <= len(doc)) or doc[s:e] != v["text"].encode("utf-8"):
                bad += 1
                if bad <= 5:
                    print("#   %s: span %d..%d %r != %r" % (where, s, e, v["text"], doc[s:e][:80]))
            return
        for k, x in v.items():
            walk(x, doc, where + "." + k)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, doc, "%s[%d]" % (where, i))
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    f = r["source"]["file"]
    if f not in docs:
        docs[f] = open(f, "rb").read()
    walk(r.get("evidence", {}), docs[f], "%s#%d" % (f, r["source"]["index"]))
if count == 0:
    print("#   no spans at all"); sys.exit(1)
sys.exit(1 if bad else 0)
EOF
run "$JKB" extract --format ndjson one.txt casebook.txt lexnotice.txt
check "evidence: text == document bytes[start:end] (small fixtures)" python3 spans.py out
check "evidence: text == document bytes[start:end] (1300-notice casebook)" python3 spans.py j1.ndjson

# ---- write errors ----

if [ -w /dev/full ]; then
    for fmt in json ndjson table csv; do
        "$JKB" extract --format $fmt one.txt >/dev/full 2>err
        rc=$?
        if [ $rc -eq 1 ] && nonempty err; then
            ok "output to /dev/full: exit 1 with a message ($fmt)"
        else
            nok "output to /dev/full: exit 1 with a message ($fmt)" "exit $rc" "stderr: $(head -c 200 err)"
        fi
    done
    "$JKB" extract --format ndjson big.txt >/dev/full 2>err
    rc=$?
    if [ $rc -eq 1 ] && nonempty err; then ok "big output to /dev/full: exit 1 with a message"
    else nok "big output to /dev/full: exit 1 with a message" "exit $rc"; fi
    "$JKB" --help >/dev/full 2>err
    rc=$?
    if [ $rc -ne 0 ]; then ok "--help to /dev/full: exit non-zero ($rc)"
    else nok "--help to /dev/full: exit non-zero" "exit $rc"; fi
else
    ok "# SKIP /dev/full is not writable here"
fi

# a reader that went away: quiet, status 0 (as SIGPIPE ends other tools).
# The pipe's read end is closed before jikenbo starts, so every write fails.
for args in "extract --format ndjson big.txt" "extract --format table one.txt" "text one.txt" \
    "assess --format table one.txt"; do
    # shellcheck disable=SC2086
    python3 - "$JKB" $args >closed.out 2>&1 <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE, timeout=60)
print(p.returncode, p.stderr.decode(errors="replace"))
PY
    if [ "$(cat closed.out)" = "0 " ]; then ok "$args to a closed pipe: exit 0, no message"
    else nok "$args to a closed pipe: exit 0, no message" "got: $(head -c 300 closed.out)"; fi
done
"$JKB" extract --format ndjson big.txt 2>err | head -c 1 >/dev/null
rc=${PIPESTATUS[0]:-0}
if [ "$rc" -eq 0 ] && empty err; then ok "extract | head -c 1: exit 0, no message"
else nok "extract | head -c 1: exit 0, no message" "exit $rc" "stderr: $(head -c 200 err)"; fi

# ---- colour ----

"$JKB" extract --format table one.txt | cat >piped.txt
check "table output through a pipe has no ESC byte" python3 -c 'import sys; sys.exit(b"\x1b" in open("piped.txt","rb").read())'
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
    NO_COLOR=1 script -qec "'$JKB' extract --format table '$T/one.txt'" /dev/null >tty-nocolor.txt 2>&1
    check "NO_COLOR=1 on a terminal: no ESC byte" python3 -c 'import sys; d=open("tty-nocolor.txt","rb").read(); sys.exit(b"\x1b" in d or b"2024-101" not in d)'
    env -u NO_COLOR script -qec "'$JKB' extract --format table '$T/one.txt'" /dev/null >tty-color.txt 2>&1
    check "on a terminal without NO_COLOR: the header is highlighted" python3 -c 'import sys; sys.exit(b"\x1b[" not in open("tty-color.txt","rb").read())'
else
    ok "# SKIP script(1) is not available: terminal colour not checked"
fi

echo "1..$n"
if [ "$failed" -gt 0 ]; then
    echo "cli.sh: $failed of $n checks failed ($crashes crashed)" >&2
    exit 1
fi
echo "cli.sh: all $n checks passed (0 crashed)"
exit 0
