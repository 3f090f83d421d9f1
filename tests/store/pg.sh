#!/bin/sh
# The casebook store against a real PostgreSQL: starts a throwaway server
# (scripts/pg-test-server.sh), runs the store unit tests (the same cases as
# on SQLite, one fresh database each), the CLI store script when it takes
# the casebook from $JIKENBO_DB, and what only a server can show: a casebook
# from a newer jikenbo refused untouched, connection errors reported with
# the server's message, two writers at once, and faults in the middle of a
# batch leaving nothing half-written: the connection killed, the client
# SIGKILLed, the server restarted (fast and immediate). Stops the server.
# Exits 77 (skipped) when the PostgreSQL server binaries are not installed.
# usage: tests/store/pg.sh TEST_STORE_BINARY JIKENBO_BINARY [SOURCE_DIR]
set -u
TEST_STORE=$1
BIN=$2
SRC=${3:-$(cd "$(dirname "$0")/../.." && pwd)}
SERVER=$SRC/scripts/pg-test-server.sh

PGBIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "SKIP: no PostgreSQL server binaries (Debian package postgresql; scripts/deps.sh installs it)"
    exit 77
fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "SKIP: running as root needs the 'postgres' OS user"
    exit 77
fi

# short: the socket's path must fit in 108 bytes
DIR=$(mktemp -d /tmp/jkb-pg.XXXXXX) || exit 1
T=$(mktemp -d) || exit 1
cleanup() {
    "$SERVER" stop "$DIR" || echo "WARNING: could not stop the server in $DIR"
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

URL=$("$SERVER" start "$DIR") || {
    echo "FAIL: the PostgreSQL test server did not start"
    exit 1
}
HOST="host=$DIR&port=${PG_PORT:-5432}&user=postgres"
psql_db() {
    db=$1
    shift
    "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$DIR" -p "${PG_PORT:-5432}" -U postgres -d "$db" "$@"
}
createdbs() {
    for db in "$@"; do
        printf 'CREATE DATABASE %s;\n' "$db"
    done | psql_db postgres >/dev/null
}

FAILS=0
fail() {
    echo "FAIL: $*"
    FAILS=$((FAILS + 1))
}
expect() {
    want=$1
    shift
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    [ "$got" = "$want" ] || fail "exit $got (want $want): $* :: $(head -c 300 "$T/err")"
}
has() { grep -q -- "$1" "$T/$2" || fail "'$1' not in $2 of the last command: $(head -c 300 "$T/$2")"; }
count() { psql_db "$1" -c "SELECT count(*) FROM $2"; }

echo "server: $URL"

# ---- the store unit tests: test n opens jkbtest{n} ----
NDB=$(grep -o 'cmocka_unit_test(' "$SRC/tests/unit/test_store.c" 2>/dev/null | wc -l)
[ "$NDB" -ge 1 ] || NDB=40
i=1
set --
while [ $i -le $((NDB + 4)) ]; do
    set -- "$@" "jkbtest$i"
    i=$((i + 1))
done
createdbs "$@" || fail "cannot create the test databases"
if JKB_TEST_STORE_URL="postgresql:///jkbtest{n}?$HOST" "$TEST_STORE" >"$T/unit" 2>&1; then
    echo "PASS: store unit tests on PostgreSQL ($(grep -c '^\[       OK \]' "$T/unit") passed)"
else
    cat "$T/unit"
    fail "store unit tests on PostgreSQL"
fi

# ---- the CLI store script, when it takes the casebook from $JIKENBO_DB ----
createdbs jkbcli
CLI_URL="postgresql:///jkbcli?$HOST"
if [ -x "$SRC/tests/store/cli.sh" ] && grep -q 'JIKENBO_DB:-' "$SRC/tests/store/cli.sh"; then
    if JIKENBO_DB=$CLI_URL "$SRC/tests/store/cli.sh" "$BIN" "$SRC" >"$T/cli" 2>&1; then
        echo "PASS: tests/store/cli.sh on PostgreSQL"
    else
        cat "$T/cli"
        fail "tests/store/cli.sh on PostgreSQL"
    fi
else
    echo "NOTE: tests/store/cli.sh does not take its casebook from \$JIKENBO_DB; the CLI checks below only"
fi

# ---- the CLI on PostgreSQL ----
DB="postgresql:///jkbcmd?$HOST"
createdbs jkbcmd
expect 0 "$BIN" ingest --db "$DB" "$SRC/sample"
has '^[0-9]* stored, 0 unchanged, 0 updated, 0 skipped$' err
STORED=$(tail -n 1 "$T/err" | cut -d' ' -f1)
[ "${STORED:-0}" -ge 9 ] || fail "only ${STORED:-0} notices from sample/"
[ "$(count jkbcmd notices)" = "$STORED" ] || fail "the notices table holds $(count jkbcmd notices), not $STORED"
JIKENBO_DB=$DB expect 0 "$BIN" ingest "$SRC/sample"
has "^0 stored, $STORED unchanged, 0 updated, 0 skipped\$" err
expect 0 "$BIN" search --db "$DB" 紛失
has 'USBメモリ' out
expect 0 "$BIN" search --db "$DB" 鯨
has 'no notice matched' err
expect 0 "$BIN" search --db "$DB" ランサムウェア --format json
expect 0 "$BIN" search --db "$DB" "' OR 1=1 --"
has 'no notice matched' err
for by in month year category org_kind vector actor data_class authority; do
    expect 0 "$BIN" stats --db "$DB" --by $by
done
expect 0 "$BIN" stats --db "$DB" --timing
has 'detected_to_reported' out
ID=$("$BIN" search --db "$DB" USBメモリ --format csv | sed -n 2p | cut -d, -f1)
expect 0 "$BIN" show --db "$DB" "$ID"
has 'USBメモリ' out
expect 0 "$BIN" export --db "$DB" --format ndjson
[ "$(wc -l <"$T/out")" -eq "$STORED" ] || fail "export gives $(wc -l <"$T/out") lines, not $STORED"
expect 0 "$BIN" reindex --db "$DB"
has "^$STORED notices, 0 updated, $STORED unchanged\$" err
# every notice numbered, no number twice
[ "$(psql_db jkbcmd -c "SELECT count(case_id) - count(DISTINCT case_id) FROM notices")" = 0 ] ||
    fail "a case_id given twice"

# ---- two writers at once: serialized, every notice stored once ----
createdbs jkbtwo
TWO="postgresql:///jkbtwo?$HOST"
"$BIN" ingest --db "$TWO" "$SRC/sample" >"$T/w1" 2>&1 &
W1=$!
"$BIN" ingest --db "$TWO" "$SRC/sample" >"$T/w2" 2>&1 &
W2=$!
wait $W1 || fail "the first of two writers: $(tail -n 2 "$T/w1")"
wait $W2 || fail "the second of two writers: $(tail -n 2 "$T/w2")"
[ "$(count jkbtwo notices)" = "$STORED" ] || fail "two writers stored $(count jkbtwo notices) notices, not $STORED"
[ "$(psql_db jkbtwo -c "SELECT count(case_id) - count(DISTINCT case_id) FROM notices")" = 0 ] ||
    fail "two writers gave a case_id twice"

# ---- a casebook of schema 1 (before claims) is upgraded, then keeps claims ----
psql_db jkbtwo -c "DROP TABLE claim_links; DROP TABLE claims; UPDATE meta SET value = '1' WHERE key = 'schema_version'" \
    >/dev/null || fail "cannot make a schema 1 casebook"
expect 0 "$BIN" search --db "$TWO" 不正アクセス
[ "$(psql_db jkbtwo -c "SELECT value FROM meta WHERE key = 'schema_version'")" = 2 ] ||
    fail "the schema 1 casebook was not upgraded"
[ "$(count jkbtwo notices)" = "$STORED" ] || fail "upgrading changed the notices"
printf '・医療法人翠嶺会\n' >"$T/claims.txt"
expect 0 "$BIN" claims import --db "$TWO" --group LockBit --date 2024-12 "$T/claims.txt"
has '1 claims read, 1 new; the casebook holds 1' err
[ "$(count jkbtwo claims)" = 1 ] || fail "the claim is not in the PostgreSQL casebook"
[ "$(count jkbtwo claim_links)" = 1 ] || fail "the claim was not linked to the hospital's notice"
expect 0 "$BIN" claims import --db "$TWO" --group LockBit --date 2024-12 "$T/claims.txt"
[ "$(count jkbtwo claims)" = 1 ] || fail "the same claim imported twice is kept twice"

# ---- a casebook from a newer jikenbo is refused, untouched ----
psql_db jkbcmd -c "UPDATE meta SET value = '99' WHERE key = 'schema_version'" || fail "cannot set the version"
expect 1 "$BIN" search --db "$DB"
has 'casebook schema version 99 was created by a newer jikenbo (this one knows' err
expect 1 "$BIN" ingest --db "$DB" "$SRC/sample"
[ "$(psql_db jkbcmd -c "SELECT value FROM meta WHERE key = 'schema_version'")" = 99 ] ||
    fail "the newer casebook was changed"
[ "$(count jkbcmd notices)" = "$STORED" ] || fail "the newer casebook was written to"

# ---- connection errors carry the server's message ----
expect 1 "$BIN" search --db "postgresql:///no_such_db?$HOST"
has 'no_such_db' err
has 'does not exist' err
expect 1 "$BIN" search --db "postgresql:///jkbcmd?host=$DIR/nowhere&user=postgres"
has 'PostgreSQL' err
psql_db postgres \
    -c "CREATE DATABASE jkblatin ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" >/dev/null
expect 1 "$BIN" search --db "postgresql:///jkblatin?$HOST"
has 'UTF8' err

# ---- the connection killed in the middle of a batch ----
# A batch is a transaction: what the server had taken of it goes, the
# batches committed before stay, and the same ingest again completes with
# no duplicates.
createdbs jkbkill
KILL="postgresql:///jkbkill?$HOST"
if command -v python3 >/dev/null && [ -f "$SRC/bench/gen.py" ]; then
    python3 "$SRC/bench/gen.py" "$T/big.txt" 12 >/dev/null 2>&1 || fail "bench/gen.py"
    "$BIN" search --db "$KILL" x >/dev/null 2>&1 # the schema, so that the poll below can read notices
    # timeout: an ingest that hangs after a store error fails here, not ctest
    timeout 120 "$BIN" ingest --db "$KILL" --max-size 64M "$T/big.txt" >"$T/kill.out" 2>"$T/kill.err" &
    ING=$!
    # wait until the ingest has written into a batch (it holds a transaction id)
    killed=0
    n=0
    while [ $n -lt 600 ] && kill -0 $ING 2>/dev/null; do
        pid=$(psql_db postgres -c "SELECT pid FROM pg_stat_activity WHERE datname = 'jkbkill'
                AND backend_xid IS NOT NULL AND pid <> pg_backend_pid() LIMIT 1")
        if [ -n "$pid" ]; then
            sleep 0.3 # well inside the batch
            psql_db postgres -c "SELECT pg_terminate_backend($pid)" >/dev/null && killed=1
            break
        fi
        sleep 0.05
        n=$((n + 1))
    done
    wait $ING
    st=$?
    if [ $killed = 0 ]; then
        fail "the ingest was never seen writing (exit $st), nothing to kill"
    else
        if [ $st = 124 ]; then
            fail "the ingest hung after its connection was killed (and was stopped after 120 s)"
        else
            [ $st = 1 ] || fail "a killed connection: exit $st, not 1: $(tail -n 2 "$T/kill.err")"
        fi
        grep -q 'terminat\|connection' "$T/kill.err" ||
            fail "the server's message is not reported: $(tail -n 2 "$T/kill.err")"
        got=$(count jkbkill notices)
        # batches are 1,000 notices: a part of one is never seen
        [ $((got % 1000)) = 0 ] || fail "$got notices after the kill: half a batch is visible"
        [ "$(psql_db jkbkill -c "SELECT count(*) FROM notices
                WHERE incident_id IS NULL OR (case_id IS NULL AND year IS NOT NULL)")" = 0 ] ||
            fail "notices without incident or number after the kill"
        expect 0 "$BIN" ingest --db "$KILL" --max-size 64M "$T/big.txt"
        all=$(count jkbkill notices)
        has "^$((all - got)) stored, $got unchanged, 0 updated, 0 skipped\$" err
        [ "$(psql_db jkbkill -c "SELECT count(*) - count(DISTINCT content_hash) FROM notices")" = 0 ] ||
            fail "duplicates after the second ingest"
        # the short-query pairs of the rolled-back batch went with it: the
        # second ingest sent them again, so a rare pair is still found
        expect 0 "$BIN" search --db "$KILL" 誤送 --format csv --limit 1
        has '^id,' out
        echo "killed mid-batch: $got notices kept, then $all after the second ingest"
    fi
else
    echo "NOTE: no python3 or bench/gen.py: the mid-batch kill is not tried"
fi

# ---- the client SIGKILLed, the server restarted, in the middle of a batch ----
# The same input as above, stopped while its second batch is open (so that
# one batch is committed and one is not). What is visible afterwards must be
# whole batches of whole notices, and the same ingest again must complete
# with every notice stored once.
if [ -f "$T/big.txt" ]; then
    # the number of notices in the input, from a clean ingest
    ALL=$(count jkbkill notices)
    # record_json is kept as text: a row whose JSON does not parse is counted
    # here (a cast alone would stop the query at the first)
    json_bad_fn="CREATE FUNCTION json_bad(t text) RETURNS boolean LANGUAGE plpgsql AS \$\$
        BEGIN PERFORM t::jsonb; RETURN false; EXCEPTION WHEN others THEN RETURN true; END \$\$"
    # fault_ingest DB LOG: start the ingest in the background (ING) and wait
    # until its second batch is open: 1,000 notices committed and a
    # transaction id held. Fails and returns 1 when that is never seen.
    fault_ingest() {
        "$BIN" ingest --db "postgresql:///$1?$HOST" --max-size 64M "$T/big.txt" >"$T/$2.out" 2>"$T/$2.err" &
        ING=$!
        n=0
        while [ $n -lt 1200 ] && kill -0 $ING 2>/dev/null; do
            if [ "$(psql_db postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$1'
                    AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()")" != 0 ] &&
                [ "$(count "$1" notices)" -ge 1000 ]; then
                sleep 0.2 # well inside the batch
                return 0
            fi
            sleep 0.05
            n=$((n + 1))
        done
        fail "$2: the ingest was never seen in its second batch ($(count "$1" notices) notices)"
        kill -9 $ING 2>/dev/null
        wait $ING 2>/dev/null
        return 1
    }
    # gone DB: wait until the server has ended every session of DB (a backend
    # whose client died rolls back when it notices)
    gone() {
        n=0
        while [ $n -lt 300 ]; do
            [ "$(psql_db postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$1'")" = 0 ] && return 0
            sleep 0.1
            n=$((n + 1))
        done
        fail "the sessions of $1 were still there 30 s after their client stopped"
    }
    # whole DB LABEL: only whole batches of whole notices are visible, each
    # found by full text search; then the same ingest completes, each once
    # (kept, not got: expect() sets got)
    whole() {
        kept=$(count "$1" notices)
        [ "$kept" -ge 1000 ] && [ "$kept" -lt "$ALL" ] || fail "$2: $kept notices of $ALL after the fault (want a part)"
        [ $((kept % 1000)) = 0 ] || fail "$2: $kept notices after the fault: half a batch is visible"
        psql_db "$1" -c "$json_bad_fn" >/dev/null || fail "$2: cannot create json_bad()"
        bad=$(psql_db "$1" -c "SELECT count(*) FROM notices WHERE json_bad(record_json) OR text = ''
                OR incident_id IS NULL OR incident_id NOT IN (SELECT id FROM incidents)
                OR (case_id IS NULL AND year IS NOT NULL)")
        [ "$bad" = 0 ] || fail "$2: $bad notices half-written (JSON, text, incident or number)"
        [ "$(psql_db "$1" -c "SELECT count(*) FROM actors WHERE notice_id NOT IN (SELECT id FROM notices)")" = 0 ] ||
            fail "$2: actor rows without their notice"
        # the first, a middle and the last notice stored: each found by its
        # header line through the trigram index
        for id in $(psql_db "$1" -c "SELECT min(id) FROM notices UNION SELECT max(id) FROM notices
                UNION SELECT id FROM notices ORDER BY 1 OFFSET $((kept / 2)) LIMIT 1"); do
            head=$(psql_db "$1" -c "SELECT split_part(text, E'\n', 1) FROM notices WHERE id = $id")
            "$BIN" search --db "postgresql:///$1?$HOST" --format csv --limit 0 "$head" >"$T/found" 2>"$T/err" ||
                fail "$2: search for notice $id: $(head -c 200 "$T/err")"
            cut -d, -f1 "$T/found" | grep -qx "$id" || fail "$2: notice $id is not found by its first line: $head"
        done
        expect 0 "$BIN" ingest --db "postgresql:///$1?$HOST" --max-size 64M "$T/big.txt"
        has "^$((ALL - kept)) stored, $kept unchanged, 0 updated, 0 skipped\$" err
        [ "$(count "$1" notices)" = "$ALL" ] || fail "$2: $(count "$1" notices) notices after the re-run, not $ALL"
        [ "$(psql_db "$1" -c "SELECT count(*) - count(DISTINCT content_hash) FROM notices")" = 0 ] ||
            fail "$2: duplicates after the re-run"
        echo "$2: $kept of $ALL notices kept, all $ALL after the re-run"
    }

    # (a) the client SIGKILLed: no error to report, the server rolls back
    createdbs jkbsig
    "$BIN" search --db "postgresql:///jkbsig?$HOST" x >/dev/null 2>&1 # the schema
    if fault_ingest jkbsig sig; then
        kill -9 $ING
        wait $ING
        st=$?
        [ $st = 137 ] || fail "SIGKILL: the ingest ended by itself (exit $st) before it was killed"
        gone jkbsig
        whole jkbsig "client SIGKILLed mid-batch"
    fi

    # (b) the server restarted (fast: sessions terminated; immediate: no
    # shutdown, crash recovery at the start): the ingest fails at once with
    # the reason, exit 1, no hang; then the restarted server takes the re-run
    for mode in fast immediate; do
        createdbs "jkbre$mode"
        "$BIN" search --db "postgresql:///jkbre$mode?$HOST" x >/dev/null 2>&1
        fault_ingest "jkbre$mode" "re$mode" || continue
        "$SERVER" restart "$DIR" $mode || fail "the test server did not restart ($mode)"
        # bounded: an ingest that hangs on a dead connection fails here
        n=0
        while kill -0 $ING 2>/dev/null && [ $n -lt 300 ]; do
            sleep 0.1
            n=$((n + 1))
        done
        if kill -0 $ING 2>/dev/null; then
            kill -9 $ING
            fail "restart $mode: the ingest still ran 30 s after the server restarted"
        fi
        wait $ING
        st=$?
        [ $st = 1 ] || fail "restart $mode: exit $st, not 1: $(tail -n 2 "$T/re$mode.err")"
        grep -q '^jikenbo: the casebook: .*\(terminat\|connection\|shut\).*; the last batch of notices was not stored' \
            "$T/re$mode.err" || fail "restart $mode: no message naming the casebook and why: $(head -c 300 "$T/re$mode.err")"
        grep -qE 'Sanitizer|runtime error:' "$T/re$mode.err" && fail "restart $mode: sanitizer report"
        grep -m1 '^jikenbo: the casebook' "$T/re$mode.err"
        whole "jkbre$mode" "server restarted ($mode) mid-batch"
    done
fi

if [ $FAILS -ne 0 ]; then
    echo "$FAILS failures"
    exit 1
fi
echo "PASS: store on PostgreSQL"
