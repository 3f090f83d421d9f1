#!/usr/bin/env bash
# One table for issue 6 (hardening): each libFuzzer target with its executions
# and crashes (fuzz/run.sh), the ASan+UBSan test suite, valgrind memcheck
# (tests/valgrind.sh), the hostile inputs tried and how many broke something
# (tests/patho, tests/reject, the CLI's bad-usage checks), with the inputs
# that crashed and those that lost data (a partial or duplicated record, a
# count that does not add up) counted apart, and the fault tests (ctest -R
# 'crash|fault' and store/postgresql: SIGKILL during ingest on SQLite and
# PostgreSQL, the PostgreSQL server restarted, the web server killed, ...).
# Every piece is run here, nothing is read from an earlier run, so the table
# is of one tree.
#
# usage: bench/robustness.sh [BUILD] [SECONDS]   (defaults build, 30 s a fuzz target)
# env:   ASAN_BUILD       the sanitizer build folder (default build-asan; made
#                         as `make asan` makes it when missing)
#        JKB_FUZZ_BUILD   passed to fuzz/run.sh (default build-fuzz)
#        JOBS             ctest parallelism (default 2)
#        JKB_ROBUST_SKIP  pieces not to run, e.g. "fuzz asan" (shown as skipped)
# Writes the table to stdout and to BUILD/robustness.txt, the logs of each
# piece to BUILD/robustness/. Exit 1 when any piece failed.

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
BUILD=${1:-build}
SECS=${2:-30}
ASAN_BUILD=${ASAN_BUILD:-build-asan}
JOBS=${JOBS:-2}
SKIP=" ${JKB_ROBUST_SKIP:-} "
case $SECS in '' | *[!0-9]*) echo "usage: bench/robustness.sh [BUILD] [SECONDS]" >&2; exit 2 ;; esac
JKB=$ROOT/$BUILD/jikenbo
case $BUILD in /*) JKB=$BUILD/jikenbo ;; esac
[ -x "$JKB" ] || { echo "robustness: no $JKB (make build first)" >&2; exit 2; }

LOG=$BUILD/robustness
mkdir -p "$LOG"
rows="" bad=0
row() { rows="$rows$(printf '%-34s %16s %16s  %s' "$1" "$2" "$3" "$4")"$'\n'; }
skipped() { case $SKIP in *" $1 "*) return 0 ;; esac; return 1; }
t0=$(date +%s)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
say() { echo "robustness: $* ($(($(date +%s) - t0)) s)" >&2; }

# the ordinary build too, so that every piece tests the same tree
cmake --build "$BUILD" -j "$JOBS" >"$LOG/build.txt" 2>&1 || { echo "robustness: building $BUILD failed: see $LOG/build.txt" >&2; exit 1; }

# ---- fuzz targets: fuzz/run.sh's summary, one line a target ----
if skipped fuzz; then
    row "fuzz" "-" "-" "skipped"
else
    say "fuzz/run.sh $SECS (every target)"
    ./fuzz/run.sh "$SECS" >"$LOG/fuzz.txt" 2>&1
    frc=$?
    # after the header "target  executions  crashes":
    #   fuzz_extract        123456 execs   0 crash(es)  corpus 80 files
    n=0
    while read -r t execs _ crashes _; do
        row "fuzz $t" "$execs execs" "$crashes crashes" ""
        n=$((n + 1))
        [ "$crashes" = 0 ] || bad=$((bad + 1))
    done < <(sed -n '/^target  *executions  *crashes$/,$p' "$LOG/fuzz.txt" | grep ' execs .* crash(es)')
    if [ $n -eq 0 ]; then
        row "fuzz" "-" "-" "fuzz/run.sh exited $frc with no summary: see $LOG/fuzz.txt"
        bad=$((bad + 1))
    elif [ $frc -ne 0 ]; then
        bad=$((bad + 1))
    fi
fi

# ctest_counts LOGFILE: "passed failed skipped total" from a ctest run's output
ctest_counts() {
    local total failed skip
    total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$1" | tail -1)
    failed=$(sed -n 's/.* \([0-9]*\) tests failed out of .*/\1/p' "$1" | tail -1)
    skip=$(grep -c -E 'Test +#[0-9]+: .*\*\*\*(Skipped|Not Run)' "$1")
    total=${total:-0} failed=${failed:-0}
    echo "$((total - failed - skip)) $failed $skip $total"
}

# ---- the sanitizer suite: `make asan`'s ctest (ASan+UBSan, all but accuracy) ----
if skipped asan; then
    row "sanitizers (ASan+UBSan ctest)" "-" "-" "skipped"
else
    say "the ASan+UBSan suite in $ASAN_BUILD"
    {
        if [ ! -f "$ASAN_BUILD/build.ninja" ]; then
            CC=clang cmake -S . -B "$ASAN_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DJKB_SANITIZE=ON -DJKB_WERROR=ON
        fi
        cmake --build "$ASAN_BUILD" -j "$JOBS" &&
            (cd "$ASAN_BUILD" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
                ctest --output-on-failure -j "$JOBS" -LE accuracy)
    } >"$LOG/asan.txt" 2>&1
    arc=$?
    read -r pass fail skip total < <(ctest_counts "$LOG/asan.txt")
    note=""
    [ "$skip" -gt 0 ] && note="$skip skipped (missing tools)"
    if [ "$total" -eq 0 ]; then
        note="the build or ctest failed (exit $arc): see $LOG/asan.txt"
        fail=1
    fi
    failed_names=$(sed -n '/The following tests FAILED:/,$p' "$LOG/asan.txt" |
        sed -nE 's/^[[:space:]]+[0-9]+ - ([^ ]+) .*/\1/p' | tr '\n' ' ')
    [ -n "$failed_names" ] && note="${note:+$note; }failed: ${failed_names% }"
    row "sanitizers (ASan+UBSan ctest)" "$total tests" "$fail failed" "$note"
    [ "$fail" -eq 0 ] && [ $arc -eq 0 ] || bad=$((bad + 1))
fi

# ---- valgrind memcheck on the golden inputs and a casebook ----
if skipped valgrind; then
    row "valgrind memcheck" "-" "-" "skipped"
else
    say "tests/valgrind.sh"
    tests/valgrind.sh "$JKB" "$ROOT" >"$LOG/valgrind.txt" 2>&1
    vrc=$?
    # valgrind: N runs, E errors, L definite leaks
    line=$(grep '^valgrind: [0-9]* runs' "$LOG/valgrind.txt" | tail -1)
    if [ $vrc -eq 77 ]; then
        row "valgrind memcheck" "-" "-" "skipped: valgrind is not installed"
    elif [ -z "$line" ]; then
        row "valgrind memcheck" "-" "-" "tests/valgrind.sh exited $vrc: see $LOG/valgrind.txt"
        bad=$((bad + 1))
    else
        set -- $line
        row "valgrind memcheck" "$2 runs" "$4 errors" "$6 definite leaks"
        [ $vrc -eq 0 ] || bad=$((bad + 1))
    fi
fi

# crash_lost LINE: "C L" from a summary's "(C crashed, L lost data" ("- -"
# when the line has no such counts)
crash_lost() {
    local c l
    c=$(printf '%s' "$1" | sed -nE 's/.*\(([0-9]+) crashed.*/\1/p')
    l=$(printf '%s' "$1" | sed -nE 's/.*, ([0-9]+) lost data.*/\1/p')
    echo "${c:--} ${l:--}"
}

# ---- hostile inputs: tried, crashed, lost data ----
if skipped hostile; then
    row "hostile inputs" "-" "-" "skipped"
else
    say "tests/patho/run.sh"
    tests/patho/run.sh "$JKB" >"$LOG/patho.txt" 2>&1
    prc=$?
    # "patho: all N cases passed" or "patho: F problem(s) in N cases:"
    line=$(grep -E '^patho: (all [0-9]+ cases passed|[0-9]+ problem)' "$LOG/patho.txt" | tail -1)
    read -r c l < <(crash_lost "$line")
    case $line in
        "patho: all "*) set -- $line; row "hostile: tests/patho" "$3 inputs" "$c crashed" "$l lost data; no timeout, bad NDJSON or non-linear time" ;;
        "patho: "*) set -- $line; row "hostile: tests/patho" "$5 inputs" "$c crashed" "$l lost data; $2 problem(s) in all: see $LOG/patho.txt" ;;
        *) row "hostile: tests/patho" "-" "-" "run.sh exited $prc without its summary: see $LOG/patho.txt" ;;
    esac
    [ $prc -eq 0 ] || bad=$((bad + 1))

    # tests/reject/run.sh: hostile inputs to extract and ingest (a ZIP as a
    # PDF, a sparse 1 GB file, deep HTML, a feed past the cap, bad UTF-8,
    # symlink loops, vanishing files, full disks, broken casebooks)
    say "tests/reject/run.sh"
    tests/reject/run.sh "$JKB" "$ROOT" >"$LOG/reject.txt" 2>&1
    rrc=$?
    # "reject: all N cases passed (S s)" or "reject: F problem(s) in N cases (S s)"
    line=$(grep -E '^reject: (all [0-9]+ cases passed|[0-9]+ problem)' "$LOG/reject.txt" | tail -1)
    read -r c l < <(crash_lost "$line")
    skips=$(grep -c '^skip ' "$LOG/reject.txt")
    case $line in
        "reject: all "*) set -- $line; row "hostile: tests/reject" "$3 cases" "$c crashed" "$l lost data; refused clearly$([ "$skips" -gt 0 ] && echo "; $skips skipped")" ;;
        "reject: "*) set -- $line; row "hostile: tests/reject" "$5 cases" "$c crashed" "$l lost data; $2 problem(s) in all: see $LOG/reject.txt" ;;
        *) row "hostile: tests/reject" "-" "-" "run.sh exited $rrc without its summary: see $LOG/reject.txt" ;;
    esac
    [ $rrc -eq 0 ] || bad=$((bad + 1))

    # the CLI's bad usage, bad files and bad lexicons: tests/cli/cli.sh, run by
    # ctest so its arguments stay those of tests/CMakeLists.txt
    say "ctest cli/exit-codes"
    (cd "$BUILD" && ctest -V -R '^cli/exit-codes$') >"$LOG/cli.txt" 2>&1
    crc=$?
    line=$(grep -oE 'cli.sh: (all [0-9]+ checks passed|[0-9]+ of [0-9]+ checks failed).*' "$LOG/cli.txt" | tail -1)
    read -r c l < <(crash_lost "$line")
    # extract only: no casebook is written, so no data to lose
    case $line in
        "cli.sh: all "*) set -- $line; row "hostile: cli/exit-codes" "$3 checks" "$c crashed" "no casebook written" ;;
        "cli.sh: "*) set -- $line; row "hostile: cli/exit-codes" "$4 checks" "$c crashed" "$2 failed in all: see $LOG/cli.txt" ;;
        *) row "hostile: cli/exit-codes" "-" "-" "ctest exited $crc: see $LOG/cli.txt" ;;
    esac
    [ $crc -eq 0 ] || bad=$((bad + 1))
fi

# ---- fault tests: a process killed mid-write, a connection dropped, ... ----
# store/crash-safety (SIGKILL during a SQLite ingest), server/faults, and
# store/postgresql for its faults (the connection killed, the client
# SIGKILLed, the server restarted fast and immediate, mid-batch); it skips
# without the PostgreSQL server binaries. A new fault test is named
# *crash* or *fault*, or is added here.
if skipped fault; then
    row "fault tests" "-" "-" "skipped"
else
    say "ctest -R 'crash|fault|^store/postgresql\$'"
    (cd "$BUILD" && ctest --output-on-failure -R 'crash|fault|^store/postgresql$') >"$LOG/fault.txt" 2>&1
    frc=$?
    read -r pass fail skip total < <(ctest_counts "$LOG/fault.txt")
    names=$(grep -oE 'Test +#[0-9]+: [^ ]+' "$LOG/fault.txt" | awk '{print $3}' | tr '\n' ' ')
    note="${names% }"
    [ "$skip" -gt 0 ] && note="$note ($skip skipped)"
    if [ "$total" -eq 0 ]; then
        row "fault tests" "0 tests" "-" "none registered in $BUILD: see $LOG/fault.txt"
    else
        row "fault tests" "$total tests" "$fail failed" "$note"
    fi
    [ $frc -eq 0 ] || bad=$((bad + 1))
fi

{
    echo "robustness $(date -u '+%Y-%m-%d %H:%M') UTC, $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo '+changes'), build $BUILD, fuzz ${SECS} s a target, $(nproc) CPUs, load $load0 -> $(cut -d' ' -f1-3 /proc/loadavg), $(($(date +%s) - t0)) s"
    printf '%-34s %16s %16s  %s\n' piece tried failed note
    printf '%-34s %16s %16s  %s\n' ----- ----- ------ ----
    printf '%s' "$rows"
    if [ $bad -eq 0 ]; then echo "robustness: every piece run passed"; else echo "robustness: $bad piece(s) failed; logs in $LOG/"; fi
} | tee "$BUILD/robustness.txt"
[ $bad -eq 0 ]
