#!/bin/sh
# Golden test: extract one notice of tests/corpus and compare the JSON output
# byte for byte with its golden file.
#
#   usage: run-golden.sh JIKENBO EXPECTED_JSON
#
# The input is the file next to EXPECTED_JSON with the same name and the
# extension .txt or .html. The extractor runs from inside the corpus folder
# with the bare file name, so "source.file" in the output is the bare name.
# Exit 0 on a match; on a mismatch print a unified diff and exit 1.
# Regenerate the golden files with tools/golden-update.sh.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 JIKENBO EXPECTED_JSON" >&2
    exit 2
fi

jikenbo=$1
expected=$2

case $jikenbo in
    /*) ;;
    */*) jikenbo=$(pwd)/$jikenbo ;;
esac

dir=$(dirname -- "$expected")
name=$(basename -- "$expected" .json)

input=
for ext in txt html; do
    if [ -f "$dir/$name.$ext" ]; then
        if [ -n "$input" ]; then
            echo "golden $name: both $input and $name.$ext exist" >&2
            exit 1
        fi
        input=$name.$ext
    fi
done
if [ -z "$input" ]; then
    echo "golden $name: no input $name.txt or $name.html beside $expected" >&2
    exit 1
fi

tmp=$(mktemp "${TMPDIR:-/tmp}/golden.XXXXXX") || exit 1
trap 'rm -f "$tmp" "$tmp.err"' EXIT INT TERM

(cd "$dir" && "$jikenbo" extract --format json "$input") >"$tmp" 2>"$tmp.err"
rc=$?
if [ $rc -ne 0 ]; then
    echo "golden $name: jikenbo exited $rc on $input" >&2
    cat "$tmp.err" >&2
    exit 1
fi

if cmp -s "$dir/$name.json" "$tmp"; then
    exit 0
fi

echo "golden $name: output differs from $name.json (- golden, + actual)"
diff -u --label "$name.json" --label "jikenbo extract --format json $input" "$dir/$name.json" "$tmp"
echo "If the change is intended, run tools/golden-update.sh and review the diff."
exit 1
