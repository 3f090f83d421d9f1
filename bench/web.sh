#!/bin/sh
# The web casebook under load: a casebook of 100,000 generated notices
# (bench/gen.py, about 5 KB each, read in with `jikenbo ingest`), then wrk for
# 30 s against GET /api/incidents/{id} (random ids) and 30 s against
# full-text result pages (/api/incidents?q=…, bench/web/search.lua); prints
# requests/s, p50/p99 latency, errors and the server's RSS before and after
# each run, and checks them against the issue's targets:
#   /api/incidents/{id}   >= 3,000 req/s, p99 <= 20 ms
#   full-text pages       >=   200 req/s, p99 <= 150 ms
#   zero errors; RSS after a run within 10 % of RSS before it
# The casebook is kept in BUILD_DIR/bench and reused by later runs.
# Concurrency: by Little's law a run's mean latency is its connections over
# its throughput, so 200 req/s with p99 <= 150 ms leaves room for about 30
# requests in flight at best: the full-text run keeps 8 (mean 40 ms at the
# target rate), the by-id run 32. RSS is read after a 5 s warm-up: each
# casebook connection keeps a page cache of up to 64 MiB (the store's
# cache_size), which fills on first use.
# usage: bench/web.sh [BUILD_DIR]   env: NOTICES_MB (500 ≈ 100,000 notices),
#        DURATION (30), ID_CONNECTIONS (32), TEXT_CONNECTIONS (8),
#        THREADS (server threads, 2), WRK_THREADS (2)
set -eu
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(cd "$BUILD" && pwd)/jikenbo
OUT=$BUILD/bench
NOTICES_MB=${NOTICES_MB:-500}
DURATION=${DURATION:-30}
ID_CONNECTIONS=${ID_CONNECTIONS:-32}
TEXT_CONNECTIONS=${TEXT_CONNECTIONS:-8}
THREADS=${THREADS:-2}
WRK_THREADS=${WRK_THREADS:-2}
mkdir -p "$OUT"
[ -x "$BIN" ] || { echo "no $BIN: build first" >&2; exit 2; }
command -v wrk >/dev/null 2>&1 || { echo "wrk is missing (apt-get install wrk)" >&2; exit 2; }

CORPUS=$OUT/corpus-$NOTICES_MB.txt
DB=$OUT/web-bench-$NOTICES_MB.db
RES=$OUT/web-results.txt

if [ ! -f "$DB" ]; then
    [ -f "$CORPUS" ] || python3 "$SRC/bench/gen.py" "$CORPUS" "$NOTICES_MB"
    echo "ingesting $CORPUS ($(($(stat -c %s "$CORPUS") / 1000000)) MB) into $DB …" >&2
    start=$(date +%s)
    "$BIN" ingest --db "$DB.tmp" --max-size 4G -q "$CORPUS" 2>"$OUT/web-ingest.err" || { tail -3 "$OUT/web-ingest.err" >&2; exit 1; }
    mv "$DB.tmp" "$DB"
    [ -f "$DB.tmp-wal" ] && mv "$DB.tmp-wal" "$DB-wal"
    [ -f "$DB.tmp-shm" ] && mv "$DB.tmp-shm" "$DB-shm"
    echo "ingested in $(( $(date +%s) - start )) s: $(tail -n 1 "$OUT/web-ingest.err")" >&2
fi

PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -f "$OUT/web-serve.out"; }
trap cleanup EXIT INT TERM
"$BIN" serve --db "$DB" --listen 127.0.0.1:0 --threads "$THREADS" -q > "$OUT/web-serve.out" 2>"$OUT/web-serve.err" &
PID=$!
i=0
while ! grep -q '^listening on ' "$OUT/web-serve.out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -le 200 ] && kill -0 "$PID" 2>/dev/null || { echo "the server did not start" >&2; cat "$OUT/web-serve.err" >&2; exit 1; }
    sleep 0.1
done
URL=$(sed -n 's/^listening on \([^ ]*\) .*/\1/p' "$OUT/web-serve.out")
URL=${URL%/}
TOTAL=$(curl -sf "$URL/api/incidents?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
# ids are dense from 1 in a casebook written once
MAXID=$(sqlite3 "$DB" "SELECT max(id) FROM notices" 2>/dev/null) || MAXID=$TOTAL

rss() { awk '/^VmRSS/ {print $2}' "/proc/$PID/status"; }
fail=0
: > "$RES"
say() { echo "$@" | tee -a "$RES"; }

say "web casebook benchmark: $TOTAL notices, server threads $THREADS, wrk $WRK_THREADS threads, ${DURATION}s a run, $(nproc) cores"
say "server RSS at start: $(rss) KiB"

# name, lua script, connections, min rps, max p99 ms
run() {
    name=$1 lua=$2 conns=$3 min_rps=$4 max_p99=$5
    # a short warm-up first: the page cache and SQLite's cache fill on first use
    JKB_MAX_ID=$MAXID wrk -t"$WRK_THREADS" -c"$conns" -d5s -s "$lua" "$URL" > /dev/null
    before=$(rss)
    JKB_MAX_ID=$MAXID wrk -t"$WRK_THREADS" -c"$conns" -d"${DURATION}s" --timeout 5s -s "$lua" "$URL" > "$OUT/wrk-$name.txt"
    after=$(rss)
    line=$(grep '^RESULT' "$OUT/wrk-$name.txt")
    rps=$(echo "$line" | sed 's/.* rps=\([0-9.]*\).*/\1/')
    p50=$(echo "$line" | sed 's/.* p50_ms=\([0-9.]*\).*/\1/')
    p99=$(echo "$line" | sed 's/.* p99_ms=\([0-9.]*\).*/\1/')
    errs=$(echo "$line" | sed 's/.* errors=\([0-9]*\).*/\1/')
    reqs=$(echo "$line" | sed 's/RESULT requests=\([0-9]*\).*/\1/')
    growth=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.1f", (a - b) * 100 / b }')
    verdict=$(awk -v r="$rps" -v p="$p99" -v e="$errs" -v g="$growth" -v mr="$min_rps" -v mp="$max_p99" \
        'BEGIN { ok = r >= mr && p <= mp && e == 0 && g <= 10 && g >= -10; print ok ? "PASS" : "FAIL" }')
    [ "$verdict" = PASS ] || fail=1
    say "$name ($conns connections): $reqs requests, $rps req/s (target >= $min_rps), p50 $p50 ms, p99 $p99 ms (target <= $max_p99), errors $errs; RSS $before -> $after KiB ($growth %): $verdict"
}

run "by-id" "$SRC/bench/web/id.lua" "$ID_CONNECTIONS" 3000 20
run "full-text" "$SRC/bench/web/search.lua" "$TEXT_CONNECTIONS" 200 150
say "server RSS at the end: $(rss) KiB"
exit $fail
