#!/bin/sh
# Regenerate the golden files of tests/corpus: for every notice NAME.txt or
# NAME.html there, write NAME.json = `jikenbo extract --format json NAME.EXT`,
# run from inside tests/corpus so that "source.file" is the bare file name.
#
#   usage: tools/golden-update.sh [path/to/jikenbo]     (default: build/jikenbo)
#
# Review the diff (git diff tests/corpus) before committing: a golden file
# records what the tool does, not what is right. The hand labels live in
# tests/corpus/labels/NAME.json and are scored with /work/shared/tools/score.py.
set -eu

root=$(cd "$(dirname -- "$0")/.." && pwd)
jikenbo=${1:-$root/build/jikenbo}
case $jikenbo in
    /*) ;;
    *) jikenbo=$(pwd)/$jikenbo ;;
esac
if [ ! -x "$jikenbo" ]; then
    echo "golden-update: $jikenbo is not an executable (build first: cmake --build build)" >&2
    exit 2
fi

cd "$root/tests/corpus"
n=0
for input in *.txt *.html; do
    [ -f "$input" ] || continue
    name=${input%.*}
    if ! "$jikenbo" extract --format json "$input" >"$name.json.tmp"; then
        rm -f "$name.json.tmp"
        echo "golden-update: jikenbo failed on $input" >&2
        exit 1
    fi
    if [ -f "$name.json" ] && cmp -s "$name.json.tmp" "$name.json"; then
        rm -f "$name.json.tmp"
    else
        mv "$name.json.tmp" "$name.json"
        echo "updated $name.json"
    fi
    n=$((n + 1))
done
echo "golden-update: $n golden files checked"
