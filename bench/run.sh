#!/usr/bin/env bash
# Extraction throughput of jikenbo against a plain Python regex extractor.
#
# usage: bench/run.sh [BUILD_DIR] [SIZE_MB]        (defaults: build 200)
#
# Generates a casebook corpus of SIZE_MB * 10^6 bytes (bench/gen.py, seeded,
# reused when present) into BUILD_DIR/bench/, then in the same run times:
#   jikenbo extract --format ndjson -j 1        (median of 3; JSON with evidence)
#   jikenbo extract --format ndjson -j 0        (median of 3; all cores)
#   jikenbo extract --format ndjson -j 1 --no-evidence   (median of 3)
#   bench/baseline.py over the same corpus      (once per lexicon variant)
#   jikenbo -j 1 on a 50 MB corpus              (peak RSS against SIZE_MB)
# and prints a table (also written to BUILD_DIR/bench/results.txt).
#
# Environment: PYTHON (default python3), REPS (default 3),
# BASELINE=both|full|no-actors|none (default both; see bench/baseline.py).
# Figures only: nothing here passes or fails on a threshold.
set -eu

BUILD=${1:-build}
SIZE=${2:-200}
SMALL=50
PYTHON=${PYTHON:-python3}
REPS=${REPS:-3}
BASELINE=${BASELINE:-both}

HERE=$(cd "$(dirname "$0")" && pwd)
BIN="$BUILD/jikenbo"
OUT="$BUILD/bench"
mkdir -p "$OUT"
RESULTS="$OUT/results.txt"

if [ ! -x "$BIN" ]; then
    echo "run.sh: $BIN not found; build first (cmake --build $BUILD)" >&2
    exit 2
fi

corpus() { # SIZE_MB -> path (generated once)
    local f="$OUT/corpus-$1.txt"
    if [ ! -s "$f" ]; then
        echo "generating $f ($1 MB) ..." >&2
        "$PYTHON" "$HERE/gen.py" "$f.tmp" "$1" && mv "$f.tmp" "$f"
    fi
    echo "$f"
}

# a private copy, so that a rebuild during the run cannot mix two binaries
cp "$BIN" "$OUT/jikenbo.bench"
BIN="$OUT/jikenbo.bench"

BIG=$(corpus "$SIZE")
if [ "$SIZE" != "$SMALL" ]; then SMALLF=$(corpus "$SMALL"); else SMALLF=$BIG; fi
BYTES=$(stat -c %s "$BIG")
SMALLBYTES=$(stat -c %s "$SMALLF")
# the CLI refuses inputs above --max-size (64M by default)
MAXSZ=$(( (BYTES > SMALLBYTES ? BYTES : SMALLBYTES) + 1048576 ))

HAVE_TIME=0
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then HAVE_TIME=1; fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

now() { date +%s.%N; }

# run1 CMD... : runs once, output to /dev/null; sets SECS, CPU (user+sys s) and
# RSS (MiB), the last two n/a without GNU time
run1() {
    local t0 t1 rc=0
    t0=$(now)
    if [ $HAVE_TIME = 1 ]; then
        /usr/bin/time -f "%M %U %S" -o "$TMP/rss" "$@" >/dev/null 2>"$TMP/err" || rc=$?
    else
        "$@" >/dev/null 2>"$TMP/err" || rc=$?
    fi
    t1=$(now)
    if [ $rc != 0 ]; then
        echo "run.sh: command failed (exit $rc): $*" >&2
        cat "$TMP/err" >&2
        exit 1
    fi
    SECS=$(echo "$t1 - $t0" | bc -l)
    if [ $HAVE_TIME = 1 ]; then
        RSS=$(awk '{printf "%.1f", $1 / 1024}' "$TMP/rss")
        CPU=$(awk '{printf "%.2f", $2 + $3}' "$TMP/rss")
    else
        RSS=n/a
        CPU=n/a
    fi
}

# runn CMD... : REPS runs; SECS = median, RSS = max, CPU = that of the median
# run, ALL = every wall time
runn() {
    local i times="" rmax=0 cpus=""
    for i in $(seq "$REPS"); do
        run1 "$@"
        times="$times $SECS"
        cpus="$cpus $SECS:$CPU"
        if [ "$RSS" != n/a ]; then rmax=$(echo "if ($RSS > $rmax) $RSS else $rmax" | bc -l); else rmax=n/a; fi
    done
    ALL=$(for t in $times; do printf '%.2f ' "$t"; done)
    local med
    med=$(for t in $cpus; do echo "$t"; done | sort -g -t: -k1,1 | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    SECS=${med%%:*}
    CPU=${med##*:}
    RSS=$rmax
}

mbs() { printf "%.1f" "$(echo "$1 / 1000000 / $2" | bc -l)"; }

ROWS="$TMP/rows"
: >"$ROWS"
row() { # label, bytes, secs, rss, note (uses CPU)
    printf '%-34s %9.1f %9.2f %9s %8s %10s  %s\n' "$1" "$(echo "$2 / 1000000" | bc -l)" "$3" "$(mbs "$2" "$3")" "$CPU" "$4" "$5" >>"$ROWS"
}

JK=("$BIN" extract --format ndjson --max-size "$MAXSZ")

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "warming the page cache ..." >&2
cat "$BIG" "$SMALLF" >/dev/null

echo "jikenbo -j 1 ($REPS runs) ..." >&2
runn "${JK[@]}" -j 1 "$BIG"
J1=$SECS; J1RSS=$RSS; J1CPU=$CPU
row "jikenbo -j 1 (JSON + evidence)" "$BYTES" "$J1" "$J1RSS" "runs: $ALL"

echo "jikenbo -j 0 ($REPS runs) ..." >&2
runn "${JK[@]}" -j 0 "$BIG"
J0=$SECS
row "jikenbo -j 0 ($(nproc) cores)" "$BYTES" "$J0" "$RSS" "runs: $ALL"

echo "jikenbo -j 1 --no-evidence ($REPS runs) ..." >&2
runn "${JK[@]}" -j 1 --no-evidence "$BIG"
JN=$SECS
row "jikenbo -j 1 --no-evidence" "$BYTES" "$JN" "$RSS" "runs: $ALL"

echo "jikenbo -j 1 on $SMALL MB ($REPS runs) ..." >&2
runn "${JK[@]}" -j 1 "$SMALLF"
JS=$SECS; JSRSS=$RSS
row "jikenbo -j 1, $SMALL MB corpus" "$SMALLBYTES" "$JS" "$JSRSS" "runs: $ALL"

# anon_peak CMD... : runs once, polling /proc/PID/status; sets ANON to the
# largest RssAnon seen (MiB). RSS (time's %M) includes the pages of the
# mmap'ed input file; RssAnon is the process's own (heap, stacks) memory.
anon_peak() {
    "$@" >/dev/null 2>&1 &
    local pid=$! mx=0 v
    while kill -0 "$pid" 2>/dev/null; do
        v=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        if [ -n "$v" ] && [ "$v" -gt "$mx" ]; then mx=$v; fi
        sleep 0.05
    done
    wait "$pid" || true
    ANON=$(awk -v k="$mx" 'BEGIN {printf "%.1f", k / 1024}')
}
echo "jikenbo -j 1 RssAnon on $SMALL and $SIZE MB (polled) ..." >&2
anon_peak "${JK[@]}" -j 1 "$SMALLF"; ANONS=$ANON
anon_peak "${JK[@]}" -j 1 "$BIG"; ANONB=$ANON

PYFULL=""; PYNOACT=""; PYFULLCPU=n/a; PYNOACTCPU=n/a
if [ "$BASELINE" = both ] || [ "$BASELINE" = full ]; then
    echo "python baseline, full lexicon (one run, minutes) ..." >&2
    run1 "$PYTHON" "$HERE/baseline.py" "$BIG"
    PYFULL=$SECS; PYFULLCPU=$CPU
    row "python baseline (full lexicon)" "$BYTES" "$SECS" "$RSS" "$(tail -1 "$TMP/err")"
fi
if [ "$BASELINE" = both ] || [ "$BASELINE" = no-actors ]; then
    echo "python baseline, --no-actors (one run) ..." >&2
    run1 "$PYTHON" "$HERE/baseline.py" --no-actors "$BIG"
    PYNOACT=$SECS; PYNOACTCPU=$CPU
    row "python baseline (--no-actors)" "$BYTES" "$SECS" "$RSS" "$(tail -1 "$TMP/err")"
fi

{
    echo "jikenbo bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m), $(nproc) cores, $("$BIN" --version 2>/dev/null | head -1)"
    echo "corpus: $BIG ($BYTES bytes, $(grep -c '^【セキュリティ事件簿' "$BIG") notices); MB = 10^6 bytes, wall clock"
    echo "source: $(git -C "$HERE/.." rev-parse --short HEAD 2>/dev/null || echo unknown) (binary copied from $BUILD/jikenbo at the start; uncommitted changes may be in it)"
    echo "python: $("$PYTHON" --version 2>&1)"
    echo "load average before: $LOAD0; after: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows the runs)"
    echo
    printf '%-34s %9s %9s %9s %8s %10s  %s\n' "what" "input MB" "seconds" "MB/s" "cpu s" "peak MiB" "notes"
    cat "$ROWS"
    echo
    [ "$J1CPU" != n/a ] && printf 'jikenbo -j 1 per CPU second:            %.1f MB/s (input MB / user+sys s; less sensitive to load)\n' "$(echo "$BYTES / 1000000 / $J1CPU" | bc -l)"
    printf 'all cores / one thread:                 %.2fx\n' "$(echo "$J1 / $J0" | bc -l)"
    printf 'evidence cost (-j 1):                   %+.1f %% time against --no-evidence\n' "$(echo "($J1 - $JN) * 100 / $JN" | bc -l)"
    cpuratio() { [ "$1" != n/a ] && [ "$J1CPU" != n/a ] && printf ' (by CPU seconds %.1fx)' "$(echo "$1 / $J1CPU" | bc -l)"; return 0; }
    [ -n "$PYFULL" ] && printf 'jikenbo -j 1 / python (full lexicon):   %.1fx%s\n' "$(echo "$PYFULL / $J1" | bc -l)" "$(cpuratio "$PYFULLCPU")"
    [ -n "$PYNOACT" ] && printf 'jikenbo -j 1 / python (--no-actors):    %.1fx%s\n' "$(echo "$PYNOACT / $J1" | bc -l)" "$(cpuratio "$PYNOACTCPU")"
    echo "peak RSS -j 1: $SMALL MB corpus $JSRSS MiB, $SIZE MB corpus $J1RSS MiB (includes the mapped input file)"
    echo "peak RssAnon -j 1 (polled every 50 ms): $SMALL MB corpus $ANONS MiB, $SIZE MB corpus $ANONB MiB"
    echo "targets (issue): >= 100 MB/s on one core for the whole extract path; >= 10x the python baseline;"
    echo "                 peak memory flat as the input grows"
} | tee "$RESULTS"
