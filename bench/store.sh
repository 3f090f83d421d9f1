#!/bin/sh
# The casebook benchmark: ingest 100,000 generated notices (about 5 KB each,
# bench/gen.py) into a fresh SQLite casebook and report notices/s; then time
# 200 mixed searches on it in-process (`jikenbo search --bench`): full text
# of 2 to 9 characters, with and without filters, newest first, terms that
# occur in most notices and terms that occur in none; p50 and p99 in ms.
# The same benchmark then runs against a throwaway PostgreSQL server
# (scripts/pg-test-server.sh) when its binaries are installed, and its
# figures are printed beside SQLite's.
# Figures go to stdout and BUILD_DIR/bench/store-results.txt.
# usage: bench/store.sh [BUILD_DIR]      (env: SIZE_MB, default 500;
#        BACKENDS="sqlite postgresql" by default)
set -eu
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=$BUILD/jikenbo
OUT=$BUILD/bench
SIZE_MB=${SIZE_MB:-500}
mkdir -p "$OUT"
[ -x "$BIN" ] || { echo "no $BIN: build first" >&2; exit 2; }
CORPUS=$OUT/corpus-$SIZE_MB.txt
RES=$OUT/store-results.txt
BACKENDS=${BACKENDS:-sqlite postgresql}

[ -f "$CORPUS" ] || python3 "$SRC/bench/gen.py" "$CORPUS" "$SIZE_MB"
python3 - "$OUT/store-queries.txt" <<'PY'
import sys
terms = [
    # in most of the generated notices
    "当社", "流出", "被害", "お詫び", "暗号化", "漏えい", "個人情報", "不正アクセス", "再発防止", "ランサムウェア",
    "クレジットカード", "個人情報保護委員会",
    # in some
    "紛失", "誤送", "委託", "LockBit", "誤送信", "身代金", "USBメモリ", "VPN機器", "電子カルテ", "教育委員会",
    "フォレンジック", "二次被害", "脅迫文", "SQLインジェクション", "税額情報", "成績情報",
    # in none
    "鯖江", "虚偽", "警視庁", "北朝鮮", "個人番号", "内部不正", "仮想通貨", "ゼロデイ", "ハッシュ値", "漏洩事案",
    "標的型攻撃", "第三者委員会",
]
filters = ["", "category=ransomware", "org-kind=medical", "since=2023-01\tuntil=2023-12",
           "data-class=credit_card\tauthority=police"]
assert len(terms) == 40
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for flt in filters:
        for t in terms:
            f.write(t + ("\t" + flt if flt else "") + "\n")
PY

mb=$(stat -c %s "$CORPUS")

# bench NAME DB SIZE_CMD: ingest the corpus into DB, time the searches, print
# a block of figures. SIZE_CMD prints the casebook's size in bytes.
bench() {
    name=$1 db=$2 size_cmd=$3 tag=$1
    rm -f "$OUT/store-time-$tag.txt"
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    start=$(date +%s.%N)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%e %U %S %M" -o "$OUT/store-time-$tag.txt" \
            "$BIN" ingest --db "$db" --max-size 2G "$CORPUS" 2>"$OUT/store-ingest-$tag.err" || true
    else
        "$BIN" ingest --db "$db" --max-size 2G "$CORPUS" 2>"$OUT/store-ingest-$tag.err" || true
    fi
    end=$(date +%s.%N)
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)
    summary=$(tail -n 1 "$OUT/store-ingest-$tag.err")
    stored=$(echo "$summary" | cut -d' ' -f1)
    case "$stored" in
    '' | *[!0-9]*) echo "$name: the ingest failed: $(tail -n 3 "$OUT/store-ingest-$tag.err")" >&2; return 1 ;;
    esac
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    rate=$(awk -v n="$stored" -v t="$wall" 'BEGIN { printf "%.1f", n / t }')
    cpu="n/a"; rss="n/a"
    if [ -f "$OUT/store-time-$tag.txt" ]; then
        set -- $(tail -n 1 "$OUT/store-time-$tag.txt")
        cpu=$(awk -v u="$2" -v s="$3" 'BEGIN { printf "%.1f", u + s }'); rss=$(( $4 / 1024 ))
    fi
    dbsize=$(eval "$size_cmd" 2>/dev/null || echo 0)
    "$BIN" search --db "$db" --bench "$OUT/store-queries.txt" >"$OUT/store-search-warmup-$tag.txt"
    "$BIN" search --db "$db" --bench "$OUT/store-queries.txt" >"$OUT/store-search-$tag.txt"
    lat=$(tail -n 1 "$OUT/store-search-$tag.txt")
    p50=$(echo "$lat" | sed 's/.*p50 \([0-9.]*\) ms.*/\1/')
    p99=$(echo "$lat" | sed 's/.*p99 \([0-9.]*\) ms.*/\1/')
    mx=$(echo "$lat" | sed 's/.*max \([0-9.]*\) ms.*/\1/')
    "$BIN" search --db "$db" --bench-total "$OUT/store-queries.txt" >"$OUT/store-search-total-$tag.txt"
    latt=$(tail -n 1 "$OUT/store-search-total-$tag.txt")
    slow=$(sort -t' ' -k1 -g -r "$OUT/store-search-$tag.txt" | grep -v '^queries' | head -n 5 | tr '\t' ' ')
    echo "== $name"
    printf 'ingest: %s notices in %.1f s = %.0f notices/s (CPU %s s, peak RSS %s MiB, casebook %d MB)\n' \
        "$stored" "$wall" "$rate" "$cpu" "$rss" $((dbsize / 1000000))
    echo "        $summary"
    echo "        load average before: $load_before, after: $load_after"
    printf 'search: 200 queries, p50 %s ms, p99 %s ms, max %s ms (limit 20, newest first, no total count)\n' \
        "$p50" "$p99" "$mx"
    echo "        with the total count: $(echo "$latt" | sed 's/^queries 200 //')"
    echo "slowest:"
    echo "$slow" | sed 's/^/  /'
}

{
    echo "jikenbo casebook benchmark ($(nproc) CPUs), corpus $CORPUS ($((mb / 1000000)) MB)"
    for b in $BACKENDS; do
        case $b in
        sqlite)
            DB=$OUT/store-bench.db
            rm -f "$DB" "$DB-wal" "$DB-shm"
            bench "SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)" "$DB" "stat -c %s '$DB'" || true
            ;;
        postgresql)
            PGDIR=$(mktemp -d /tmp/jkb-pgbench.XXXXXX)
            if URL=$("$SRC/scripts/pg-test-server.sh" start "$PGDIR" 2>"$OUT/store-pg-server.err"); then
                bench "PostgreSQL $(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)" "$URL" \
                    "du -sb '$PGDIR' | cut -f1" || true
                "$SRC/scripts/pg-test-server.sh" stop "$PGDIR" >/dev/null 2>&1 || true
            else
                echo "== PostgreSQL: not run ($(tail -n 1 "$OUT/store-pg-server.err"))"
                rm -rf "$PGDIR"
            fi
            ;;
        esac
    done
    echo "targets: ingest >= 2000 notices/s; search p50 <= 10 ms, p99 <= 100 ms"
} | tee "$RES"
