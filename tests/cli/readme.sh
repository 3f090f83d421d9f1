#!/bin/bash
# The README's walk-through, run as written: the block between
# <!-- walkthrough --> and <!-- /walkthrough --> in README.md, in a scratch
# folder holding the bundled sample, with `jikenbo` the binary under test.
# A README example that stops working fails here; so does one whose output
# stops saying what the README says it does.
# usage: readme.sh JIKENBO SOURCE_DIR
set -u
bin=$(realpath "$1")
src=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/bin"
ln -s "$bin" "$work/bin/jikenbo"
ln -s "$src/sample" "$work/sample"

block=$(awk '/<!-- walkthrough -->/{on=1; next} /<!-- \/walkthrough -->/{on=0} on && !/^```/' "$src/README.md")
if [ -z "$block" ]; then
    echo "readme.sh: no walkthrough block in README.md" >&2
    exit 1
fi

fail=0
n=0
cd "$work" || exit 1
# one command a line, each run on its own so a failure names its line
while IFS= read -r line; do
    case "$line" in '' | '#'*) continue ;; esac
    n=$((n + 1))
    if ! PATH="$work/bin:$PATH" NO_COLOR=1 bash -o pipefail -c "$line" >"$work/out.$n" 2>"$work/err.$n"; then
        echo "FAIL: README command exited non-zero: $line" >&2
        sed 's/^/  | /' "$work/err.$n" >&2
        fail=1
    fi
    printf '%s\n' "$line" >"$work/cmd.$n"
done <<<"$block"
[ "$n" -ge 10 ] || { echo "FAIL: only $n commands in the walkthrough" >&2; fail=1; }

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
