#!/bin/bash
# Every command example of the README, run as written: each ```sh block of
# README.md in order (the walk-through between <!-- walkthrough --> and
# <!-- /walkthrough --> first among them), in a scratch folder holding the
# bundled sample, with `jikenbo` the binary under test. `jikenbo serve` is
# started on a free port instead of 8080, asked for its page and its API, and
# stopped. The `make` lines are not run: `make check` runs this script, and
# `make run` is a build. A README example that stops working fails here; so
# does one whose output stops saying what the README says it does.
# usage: readme.sh JIKENBO SOURCE_DIR
set -u
bin=$(realpath "$1")
src=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/bin"
ln -s "$bin" "$work/bin/jikenbo"
ln -s "$src/sample" "$work/sample"

walk=$(awk '/<!-- walkthrough -->/{on=1; next} /<!-- \/walkthrough -->/{on=0} on && !/^```/' "$src/README.md")
if [ -z "$walk" ]; then
    echo "readme.sh: no walkthrough block in README.md" >&2
    exit 1
fi
block=$(awk '/^```sh$/{on=1; next} /^```/{on=0} on' "$src/README.md")
nblocks=$(grep -c '^```sh$' "$src/README.md")

fail=0
n=0
served=0
cd "$work" || exit 1
# `jikenbo serve ...`: on a free port; its page and API answer; it stops on
# SIGTERM with status 0
serve() {
    local cmd=${1%%#*} pid port i
    PATH="$work/bin:$PATH" bash -c "exec $cmd --listen 127.0.0.1:0" >"$work/serve.out" 2>"$work/serve.err" &
    pid=$!
    port=
    for i in $(seq 1 50); do
        port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.out" "$work/serve.err")
        [ -n "$port" ] && break
        sleep 0.1
    done
    if [ -z "$port" ]; then
        echo "FAIL: README command did not start listening: $1" >&2
        sed 's/^/  | /' "$work/serve.err" >&2
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        return 1
    fi
    local ok=0
    curl -fsS "http://127.0.0.1:$port/" | grep -qi '<html' || { echo "FAIL: no web page from: $1" >&2; ok=1; }
    curl -fsS "http://127.0.0.1:$port/api/incidents?q=%E4%B8%8D%E6%AD%A3%E3%82%A2%E3%82%AF%E3%82%BB%E3%82%B9" |
        grep -q 'ハナミズキ' || { echo "FAIL: /api/incidents did not find the sample notice: $1" >&2; ok=1; }
    kill -TERM "$pid"
    wait "$pid" || { echo "FAIL: serve did not stop with status 0 on SIGTERM: $1" >&2; ok=1; }
    return $ok
}
# one command a line, each run on its own so a failure names its line
while IFS= read -r line; do
    case "$line" in '' | '#'* | 'make '*) continue ;; esac
    n=$((n + 1))
    if [ "${line#jikenbo serve }" != "$line" ]; then
        serve "$line" || fail=1
        served=$((served + 1))
        printf '%s\n' "$line" >"$work/cmd.$n"
        : >"$work/out.$n"
        : >"$work/err.$n"
        continue
    fi
    if ! PATH="$work/bin:$PATH" NO_COLOR=1 bash -o pipefail -c "$line" >"$work/out.$n" 2>"$work/err.$n"; then
        echo "FAIL: README command exited non-zero: $line" >&2
        sed 's/^/  | /' "$work/err.$n" >&2
        fail=1
    fi
    printf '%s\n' "$line" >"$work/cmd.$n"
done <<<"$block"
[ "$n" -ge 20 ] || { echo "FAIL: only $n commands in README.md's examples" >&2; fail=1; }
[ "$nblocks" -ge 4 ] || { echo "FAIL: only $nblocks sh blocks in README.md" >&2; fail=1; }
[ "$served" -ge 1 ] || { echo "FAIL: no jikenbo serve example was run" >&2; fail=1; }

# what the comments in the block promise
out_of() { # the stdout and stderr of the first command matching a pattern
    local i
    for i in $(seq 1 "$n"); do
        if grep -qF -- "$1" "$work/cmd.$i"; then
            cat "$work/out.$i" "$work/err.$i"
            return
        fi
    done
    echo "readme.sh: no command with '$1'" >&2
}
expect() { # pattern command-pattern why
    if ! out_of "$2" | grep -qE -- "$1"; then
        echo "FAIL: '$2' should give /$1/ ($3)" >&2
        fail=1
    fi
}
expect 'ハナミズキ生活館' 'extract --format table' 'the table lists the sample notices'
expect '1 unchanged' 'ingest --db casebook.db sample/shop-card.txt' 'ingesting again duplicates nothing'
expect 'ハナミズキ' 'search --db casebook.db 不正アクセス' 'full-text search finds the card-skimming notice'
expect '翠嶺会' 'search --db casebook.db --category ransomware' 'the ransomware filter finds the hospital'
expect '\[published\]' 'show --db casebook.db 1' 'show marks the evidence'
expect 'ransomware' 'stats --db casebook.db --by category' 'counts by category'
expect 'appi' 'assess --format table' 'the assessment names the APPI obligations'
expect 'ハナミズキ' 'claims report' 'the claim is matched to the notice'
expect '"org": *"株式会社ハナミズキ生活館"' '# one notice' 'one notice gives its record'
expect '^\{"case_id"' 'extract --format ndjson sample/casebook.txt' 'one record a line'
expect 'ハナミズキ' 'cat sample/shop-card.txt | jikenbo extract -' 'stdin is read'
expect '^file,index,case_id,' 'extract --format csv -j 0' 'a CSV header'
expect 'ハナミズキ' 'extract --lexicon my-terms.tsv' 'the record with the added terms'
expect '個人情報' 'text sample/notice.html' 'the HTML notice as text'
expect 'usage: jikenbo extract' 'help extract' 'the help of extract'

python3 - "$work" <<'PY' || fail=1
import json, sys, os
w = sys.argv[1]
rec = json.load(open(os.path.join(w, "shop-card.json")))
assert rec[0]["org"] == "株式会社ハナミズキ生活館", rec[0]["org"]
lines = [json.loads(l) for l in open(os.path.join(w, "casebook.ndjson"))]
assert len(lines) >= 9, len(lines)
stix = json.load(open(os.path.join(w, "casebook.stix.json")))
assert stix["type"] == "bundle" and any(o["type"] == "incident" for o in stix["objects"])
misp = json.load(open(os.path.join(w, "casebook.misp.json")))
assert misp, "empty MISP export"
html = open(os.path.join(w, "report.html"), encoding="utf-8").read()
assert "<html" in html.lower() and "ハナミズキ" in html
PY
exit $fail
