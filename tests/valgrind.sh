#!/usr/bin/env bash
# Memcheck over the paths real input takes: `jikenbo extract` on every golden
# input (tests/corpus, found as run-golden.sh finds them), `text` and `assess`
# on some of sample/, and ingest / search / show / export --format stix on a
# temp casebook. ASan already runs these in build-asan; valgrind adds the
# ordinary -O2 binary (what users run) and uninitialised reads, which ASan
# does not see. Fails on any error or definite leak; "still reachable" and
# "possibly lost" (glib, libxml2, poppler one-time state) are not errors.
#
# usage: tests/valgrind.sh JIKENBO SOURCE_DIR
# env:   JKB_VALGRIND_JOBS  runs at a time (default 2)
# Exit 0 clean, 1 errors or leaks (each run's report is printed), 77 when
# valgrind is missing. The last line is the summary:
#   valgrind: N runs, E errors, L definite leaks

set -u
JKB=${1:?usage: valgrind.sh JIKENBO SOURCE_DIR}
SRC=${2:?usage: valgrind.sh JIKENBO SOURCE_DIR}
case $JKB in /*) ;; *) JKB=$PWD/$JKB ;; esac
SRC=$(cd "$SRC" && pwd) || exit 1
[ -x "$JKB" ] || { echo "valgrind.sh: $JKB is not an executable" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind missing: skipped"; exit 77; }
JOBS=${JKB_VALGRIND_JOBS:-2}

T=$(mktemp -d "${TMPDIR:-/tmp}/jkb-valgrind.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

# The error markers bracket each report, so the first line after a marker
# says what kind it is and the count does not depend on the layout of the
# rest. Only definite leaks are shown: possible ones are glib's and
# libxml2's pools, which hold interior pointers on purpose.
VG=(valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --track-origins=no -q --show-leak-kinds=definite --error-markers=JKB-VG-BEGIN,JKB-VG-END)
[ -f "$SRC/tests/valgrind.supp" ] && VG+=(--suppressions="$SRC/tests/valgrind.supp")

# A job file holds one run a line: NAME<TAB>DIR<TAB>ARGS... (tab-separated).
jobs="$T/jobs"
: >"$jobs"
add() { local name=$1 dir=$2; shift 2; (IFS=$'\t'; printf '%s\t%s\t%s\n' "$name" "$dir" "$*") >>"$jobs"; }

# run_one LINE: run one job under valgrind; leaves NAME.rc, NAME.out, NAME.log.
run_one() {
    local name dir
    IFS=$'\t' read -r -a f <<<"$1"
    name=${f[0]} dir=${f[1]}
    (cd "$dir" && "${VG[@]}" --log-file="$T/$name.log" "$JKB" "${f[@]:2}") \
        >"$T/$name.out" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
}
export -f run_one
export T JKB
# bash cannot export arrays: pass the valgrind command line as a string
VGS=$(printf '%q ' "${VG[@]}")
export VGS

run_all() {
    # shellcheck disable=SC2016
    tr '\n' '\0' <"$jobs" | xargs -0 -P "$JOBS" -I{} bash -c 'eval "VG=($VGS)"; run_one "$1"' _ {}
    : >"$jobs"
}

# ---- extract on every golden input ----
for exp in "$SRC"/tests/corpus/*.json; do
    name=$(basename "$exp" .json)
    for ext in txt html; do
        [ -f "$SRC/tests/corpus/$name.$ext" ] && add "extract-$name" "$SRC/tests/corpus" extract --format json "$name.$ext"
    done
done
# ---- text and assess on some of sample/ (HTML, Shift_JIS, a casebook) ----
for s in notice.html notice-sjis.txt casebook.txt hospital-ransomware.txt; do
    add "text-$s" "$SRC/sample" text "$s"
    add "assess-$s" "$SRC/sample" assess --format json "$s"
done
run_all

# ---- the casebook: ingest, then read it back ----
db=$T/casebook.db
add ingest "$SRC" ingest -q --db "$db" sample/casebook.txt sample/city-misdelivery.txt sample/hospital-ransomware.txt \
    sample/notice-sjis.txt sample/notice.html sample/shop-card.txt sample/university-usb.txt
run_all # the reads need the ingest done
add search "$SRC" search --db "$db"
add search-fts "$SRC" search --db "$db" --format json 不正アクセス
add search-filter "$SRC" search --db "$db" --category ransomware --since 2024
add show "$SRC" show --db "$db" 1
add show-json "$SRC" show --db "$db" --json 2
add export-stix "$SRC" export --db "$db" --format stix
run_all

# ---- the verdict ----
runs=0 errors=0 leaks=0 failed=0
for rcf in "$T"/*.rc; do
    name=$(basename "$rcf" .rc)
    rc=$(cat "$rcf")
    runs=$((runs + 1))
    # the first line of each report: "N bytes in M blocks are definitely
    # lost in loss record ..." for a leak, the kind of error otherwise
    heads=$(grep -A1 -- 'JKB-VG-BEGIN$' "$T/$name.log" 2>/dev/null | grep -v -e 'JKB-VG-BEGIN$' -e '^--$')
    l=$(printf '%s\n' "$heads" | grep -c 'are definitely lost')
    e=$(printf '%s\n' "$heads" | grep -v 'are definitely lost' | grep -c .)
    errors=$((errors + e))
    leaks=$((leaks + l))
    if [ "$rc" -ne 0 ] || [ "$e" -gt 0 ] || [ "$l" -gt 0 ]; then
        failed=$((failed + 1))
        echo "== $name: exit $rc, $e error(s), $l definite leak(s)"
        grep -v -e 'JKB-VG-BEGIN$' -e 'JKB-VG-END$' "$T/$name.log" | sed 's/^/   /'
        sed 's/^/   stderr: /' "$T/$name.err" | head -20
    fi
done
[ "$runs" -gt 0 ] || { echo "valgrind.sh: nothing ran" >&2; exit 1; }
echo "valgrind: $runs runs, $errors errors, $leaks definite leaks"
[ $failed -eq 0 ]
