#!/bin/sh
# Crash safety of the casebook: SIGKILL `jikenbo ingest` in the middle of a
# large ingest, then check that the file passes PRAGMA integrity_check and
# FTS5's own integrity check, that every visible notice is whole (its record,
# incident and full-text row), and that ingesting again completes with every
# notice stored exactly once.
# usage: tests/store/crash.sh JIKENBO_BINARY [SOURCE_DIR]
set -eu
BIN=$1
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v sqlite3 >/dev/null || { echo "sqlite3 CLI missing: skipped"; exit 77; }
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
T=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 8,000 generated notices (about 40 MB) in files of 40 notices
python3 "$SRC/bench/gen.py" "$T/corpus.txt" 40 >/dev/null
mkdir "$T/in"
python3 - "$T/corpus.txt" "$T/in" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
head = "【セキュリティ事件簿#"
parts = [p for p in text.split("\n" + head)]
notices = [parts[0]] + [head + p for p in parts[1:]]
for i in range(0, len(notices), 40):
    with open("%s/part-%05d.txt" % (sys.argv[2], i // 40), "w", encoding="utf-8") as f:
        f.write("\n\n".join(notices[i:i + 40]) + "\n")
PY
EXPECTED=$("$BIN" extract --format ndjson "$T"/in/*.txt | wc -l)
[ "$EXPECTED" -gt 4000 ] || fail "the generated corpus has only $EXPECTED notices"

DB=$T/c.db
"$BIN" ingest --db "$DB" "$T/in" 2>"$T/first.err" &
PID=$!
# wait for a few batches to be committed, then kill mid-way
i=0
while :; do
    n=$(sqlite3 "$DB" 'SELECT count(*) FROM notices' 2>/dev/null || echo 0)
    [ "${n:-0}" -ge 2000 ] && break
    kill -0 $PID 2>/dev/null || fail "ingest ended before it could be killed ($n notices)"
    i=$((i + 1))
    [ $i -lt 1200 ] || fail "no progress after 120 s"
    sleep 0.1
done
# a count is read between commits: a random extra 0 to 299 ms moves the kill
# off that boundary, to anywhere in a batch
r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
ms=$((r % 300))
sleep "$(printf '0.%03d' "$ms")"
kill -9 $PID 2>/dev/null || fail "the ingest had ended before the kill (${ms} ms after $n notices)"
st=0
wait $PID 2>/dev/null || st=$?
PID=
# 128 + SIGKILL: the kill, not an ending of its own, stopped it
[ "$st" = 137 ] || fail "the ingest was not killed while running (exit $st): $(tail -n 2 "$T/first.err")"
n=$(sqlite3 "$DB" 'SELECT count(*) FROM notices')
echo "killed ${ms} ms after the count reached 2,000, with $n of $EXPECTED notices committed"
[ "$n" -lt "$EXPECTED" ] || fail "the ingest had finished before the kill"

ok=$(sqlite3 "$DB" 'PRAGMA integrity_check')
[ "$ok" = ok ] || fail "integrity_check: $ok"
sqlite3 "$DB" "INSERT INTO notices_fts(notices_fts) VALUES('integrity-check')" || fail "FTS5 integrity-check"
fts=$(sqlite3 "$DB" 'SELECT count(*) FROM notices_fts_docsize')
[ "$fts" = "$n" ] || fail "$n notices but $fts full-text rows"
bad=$(sqlite3 "$DB" "SELECT count(*) FROM notices WHERE record_json IS NULL OR record_json = '' OR incident_id IS NULL
                     OR incident_id NOT IN (SELECT id FROM incidents) OR sortkey NOT IN (SELECT id FROM notices_fts_docsize)")
[ "$bad" = 0 ] || fail "$bad notices are half-written"
orphans=$(sqlite3 "$DB" 'SELECT count(*) FROM actors WHERE notice_id NOT IN (SELECT id FROM notices)')
[ "$orphans" = 0 ] || fail "$orphans actor rows without their notice"
sqlite3 "$DB" 'PRAGMA foreign_key_check' | grep . && fail "foreign keys broken"

# again, to the end: the rest goes in, nothing twice
"$BIN" ingest --db "$DB" "$T/in" 2>"$T/second.err" || { cat "$T/second.err"; fail "the second ingest failed"; }
tail -n 1 "$T/second.err"
total=$(sqlite3 "$DB" 'SELECT count(*) FROM notices')
distinct=$(sqlite3 "$DB" 'SELECT count(DISTINCT content_hash) FROM notices')
[ "$total" = "$EXPECTED" ] || fail "$total notices stored, $EXPECTED expected"
[ "$distinct" = "$total" ] || fail "duplicates: $total rows, $distinct distinct"
grep -q "^$((EXPECTED - n)) stored, $n unchanged, 0 updated, 0 skipped\$" "$T/second.err" ||
    fail "second summary: $(tail -n 1 "$T/second.err")"
fts=$(sqlite3 "$DB" 'SELECT count(*) FROM notices_fts_docsize')
[ "$fts" = "$total" ] || fail "$total notices but $fts full-text rows"
ok=$(sqlite3 "$DB" 'PRAGMA integrity_check')
[ "$ok" = ok ] || fail "integrity_check after the second ingest: $ok"
echo "PASS: crash-safety ($EXPECTED notices)"
