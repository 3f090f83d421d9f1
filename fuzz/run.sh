#!/usr/bin/env bash
# Build the libFuzzer targets (clang, ASan+UBSan) in build-fuzz and run each
# for SECONDS on a copy of its seed corpus (build-fuzz/corpus/<target>; the
# repository is never written). The targets that read notice text
# (JKB_TEXT_TARGETS) are also given the golden notices of tests/corpus
# (*.txt, *.html) as a second, read-only corpus folder: libFuzzer reads every
# folder named but adds what it finds only to the first. Prints, per target,
# the executions run and the crashes found; crash inputs are copied to
# build-fuzz/crashes/. Exit 1 when any target crashed. JKB_FUZZ_PAR runs that
# many targets at a time (one core each).
#
# The targets (each fuzz/<target>.c says how the first byte picks options):
#   fuzz_extract  jkb_extract, jkb_notices + jkb_extract_spans, the JSON writer:
#                 spans inside the text, enums in range, records in order, JSON valid
#   fuzz_date     the date grammar; fuzz_number  counts and numbers;
#   fuzz_norm     NFKC and the offset map; fuzz_segment  notice splitting
#   fuzz_decode   jkb_text_decode as text, HTML and by guess: UTF-8 out, no CR
#   fuzz_feed     jkb_feed_sniff + jkb_feed_parse (RSS 2.0, RSS 1.0, Atom), max 1-4
#                 items: at most max_items, titles/links/dates one squeezed line,
#                 each text UTF-8 and starting with its title
#   fuzz_pdf      jkb_text_decode of a PDF (poppler; inputs over 64 KiB skipped):
#                 UTF-8 ending in LF, no control characters, under the cap
#   fuzz_lexicon  jkb_engine_add_lexicon (--lexicon TSV): a refusal names the file
#                 and line; a lexicon that loads extracts a fixed notice and itself
#   fuzz_claims   jkb_claims_read (auto, ransomwatch, list, ndjson) and
#                 jkb_claims_from_record: ids, UTF-8, JSON, and the claims file
#                 (NDJSON) reads back as the same claims
#   fuzz_export   jkb_export_add + jkb_export_finish, STIX or MISP: valid JSON,
#                 duplicates dropped, the same bytes twice
#   fuzz_query    jkb_store_search on a small casebook, any text and filters: OK or
#                 EINVAL (never a database error), newest first, a limited page is
#                 the start of the unlimited rows, the total counts every match
#   fuzz_http     jkb_route and the handlers (no sockets; the harness parses the
#                 target as libmicrohttpd does): documented statuses, no 500, error
#                 bodies {"error":{code,message}}, assets only by their own name
#   fuzz_serve    raw bytes on a connection of the running server (server.c and
#                 libmicrohttpd in front of the routes): HTTP/1.x status lines, the
#                 security headers on every answer of ours, no 500, no stuck connection
# Every target also checks that a failure sets err.code to the status and a
# message, and (ASan) that nothing leaks.
#
# usage: fuzz/run.sh [SECONDS] [TARGET...]     (default 60 s, every target)
# env:   JKB_FUZZ_BUILD   build folder (default build-fuzz)
#        JKB_FUZZ_JOBS    build parallelism (default 2)
#        JKB_FUZZ_PAR     targets run at a time (default 1; make check runs 2)

set -u
SECONDS_EACH=${1:-60}
shift 2>/dev/null || true
case $SECONDS_EACH in '' | *[!0-9]*) echo "usage: fuzz/run.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
B=${JKB_FUZZ_BUILD:-build-fuzz}
JOBS=${JKB_FUZZ_JOBS:-2}
PAR=${JKB_FUZZ_PAR:-1}
case $PAR in '' | *[!0-9]* | 0) echo "fuzz: JKB_FUZZ_PAR takes a number of targets at a time" >&2; exit 2 ;; esac
ALL="fuzz_extract fuzz_date fuzz_number fuzz_norm fuzz_segment fuzz_decode fuzz_feed fuzz_pdf fuzz_lexicon
     fuzz_claims fuzz_export fuzz_query fuzz_http fuzz_serve"
TARGETS=${*:-$ALL}
# the targets whose input is a notice's text (after the option byte); keep in
# step with JKB_FUZZ_TEXT in tests/CMakeLists.txt
JKB_TEXT_TARGETS=" fuzz_extract fuzz_date fuzz_number fuzz_norm fuzz_segment fuzz_decode "

command -v clang >/dev/null || { echo "fuzz: clang is needed (apt-get install clang libclang-rt-dev)" >&2; exit 1; }
if [ ! -f "$B/build.ninja" ]; then
    CC=clang cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJKB_FUZZ=ON -DJKB_TESTS=OFF || exit 1
fi
cmake --build "$B" -j "$JOBS" --target fuzz_all || exit 1

mkdir -p "$B/crashes" "$B/logs"
# the golden notices, without their .json answers (libFuzzer reads a folder
# whole), copied afresh so that a removed notice does not linger
NOTICES=$B/seeds-notices
rm -rf "$NOTICES"
mkdir -p "$NOTICES"
cp -p tests/corpus/*.txt tests/corpus/*.html "$NOTICES"/ 2>/dev/null
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# one_target T: run T, leave its summary line in $B/logs/T.line and, when it
# crashed, a mark in $B/logs/T.crashed
one_target() {
    t=$1
    exe="$B/fuzz/$t"
    corpus="$B/corpus/$t"
    mkdir -p "$corpus"
    # the seeds (and any saved crash inputs) join what earlier runs found
    cp -p fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null
    log="$B/logs/$t.log"
    art="$B/artifacts/$t/"
    rm -rf "$art" "$B/logs/$t.crashed"
    mkdir -p "$art"
    extra=""
    case $JKB_TEXT_TARGETS in *" $t "*) extra=$NOTICES ;; esac
    echo "== $t: ${SECONDS_EACH}s (log: $log)"
    "$exe" -max_total_time="$SECONDS_EACH" -dict=fuzz/jikenbo.dict -timeout=30 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$art" "$corpus" $extra >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    [ -z "$execs" ] && execs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | awk '{print $2}')
    [ -z "$execs" ] && execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    n=0
    slow=0
    for f in "$art"*; do
        [ -f "$f" ] || continue
        # a unit over 10 s is reported, not failed: -timeout (30 s) is the bound
        case $(basename "$f") in slow-unit-*) slow=$((slow + 1)); continue ;; esac
        n=$((n + 1))
        cp -p "$f" "$B/crashes/$t-$(basename "$f")"
    done
    if [ $rc -ne 0 ] && [ $n -eq 0 ]; then
        n=1 # died without an artifact (e.g. out of memory in the harness)
    fi
    if [ $n -gt 0 ]; then
        : >"$B/logs/$t.crashed"
        grep -m1 -E 'ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer|LeakSanitizer)|runtime error:|check failed:' "$log" | sed 's/^/   /'
    fi
    line=$(printf '%-14s %12s execs %3d crash(es)  corpus %s files' "$t" "${execs:-?}" "$n" "$(ls "$corpus" | wc -l)")
    [ $slow -gt 0 ] && line="$line; $slow unit(s) over 10 s (in $art)"
    echo "$line"
    echo "$line" >"$B/logs/$t.line"
}

for t in $TARGETS; do
    [ -x "$B/fuzz/$t" ] || { echo "fuzz: no such target $t" >&2; exit 2; }
done
# JKB_FUZZ_PAR targets at a time (each fuzzer uses one core)
for t in $TARGETS; do
    while [ "$(jobs -rp | wc -l)" -ge "$PAR" ]; do
        wait -n
    done
    one_target "$t" &
done
wait
crashed=0
summary=""
for t in $TARGETS; do
    [ -f "$B/logs/$t.crashed" ] && crashed=$((crashed + 1))
    summary="$summary
$(cat "$B/logs/$t.line" 2>/dev/null || echo "$t: no result")"
done

echo
echo "target                executions   crashes"
echo "$summary" | sed '/^$/d'
if [ $crashed -gt 0 ]; then
    # What crashed, where, and on which input, at the end of the output where
    # a CI log's tail shows it: a crash found on a machine that is gone can
    # still be replayed (base64 -d > input; the target's binary < input).
    for t in $TARGETS; do
        [ -f "$B/logs/$t.crashed" ] || continue
        log="$B/logs/$t.log"
        echo
        echo "== $t crashed:"
        grep -m1 -E 'ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer|LeakSanitizer)|runtime error:|check failed:|Check failed' "$log" | sed 's/^/   /'
        grep -E '^ +#[0-9]+ 0x' "$log" | grep -v -E 'libFuzzer|fuzzer::|compiler-rt|libc.so|__libc_start' | head -12 | sed 's/^/   /'
        for f in "$B"/artifacts/"$t"/*; do
            [ -f "$f" ] || continue
            echo "   input $(basename "$f") ($(wc -c <"$f") bytes), base64:"
            head -c 6144 "$f" | base64 -w 100 | sed 's/^/   /'
        done
    done
    echo "fuzz: $crashed target(s) crashed; inputs in $B/crashes/, logs in $B/logs/" >&2
    exit 1
fi
echo "fuzz: no crashes"
