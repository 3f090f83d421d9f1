#!/usr/bin/env bash
# Hostile inputs against `jikenbo extract` and `jikenbo ingest` (issue 6): a
# ZIP posing as a PDF, a sparse 1 GB file, HTML nested 100,000 deep, a feed
# past the item cap, broken and mixed encodings, symlink loops, files that
# vanish mid-ingest, output to a full disk, a casebook that cannot grow, a
# casebook on a tmpfs that fills, a casebook that is a folder or not SQLite. For each: no crash (no signal, no
# sanitizer report), the documented exit status (0 all read, 1 some input
# failed), a message naming the file and the reason, nothing partial stored
# (the casebook's notices counted before and after), and the good input given
# in the same run still goes through.
#
# usage: tests/reject/run.sh path/to/jikenbo SRC   (SRC: the source tree, for sample/)
# env:   JKB_REJECT_KEEP=1  keep the temp dir (its path is printed)
# Prints "ok   <case>" or "FAIL <case>: why" a case, then "reject: all N cases
# passed (0 crashed, 0 lost data; S s)" or "reject: F problem(s) in N cases
# (C crashed, L lost data; S s)" (bench/robustness.sh reads it).

set -u

JKB=${1:?usage: run.sh path/to/jikenbo SRC}
SRC=${2:?usage: run.sh path/to/jikenbo SRC}
case $JKB in /*) ;; *) JKB=$PWD/$JKB ;; esac
case $SRC in /*) ;; *) SRC=$PWD/$SRC ;; esac
[ -x "$JKB" ] || { echo "reject: $JKB is not an executable" >&2; exit 1; }
for t in python3 sqlite3 truncate timeout; do
    command -v $t >/dev/null || { echo "reject: $t is needed" >&2; exit 1; }
done
SAMPLE=$SRC/sample

T=$(mktemp -d "${TMPDIR:-/tmp}/jkb-reject.XXXXXX") || exit 1
BG=""
FILL_MOUNTED="" # case 9b's tmpfs, while it is mounted
cleanup() {
    [ -n "$BG" ] && kill "$BG" 2>/dev/null
    [ -n "$FILL_MOUNTED" ] && umount "$FILL_MOUNTED" 2>/dev/null
    if [ "${JKB_REJECT_KEEP:-0}" = 1 ]; then echo "reject: keeping $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1

cases=0 problems=0 t_start=$(date +%s)
why="" # the reasons a case failed, "; "-separated
bad() { why="${why:+$why; }$*"; }
# a problem that is a crash (a signal, a sanitizer report), or lost data (a
# partial or duplicated record, a count that does not add up, a casebook
# changed or broken): counted apart for bench/robustness.sh
crashed=0 lost_data=0 case_crash=0 case_lost=0
crash() { case_crash=1; bad "$@"; }
lost() { case_lost=1; bad "$@"; }
# end NAME: print the case's line and count it
end() {
    cases=$((cases + 1))
    if [ -z "$why" ]; then
        echo "ok   $1"
    else
        echo "FAIL $1: $why"
        problems=$((problems + 1))
    fi
    crashed=$((crashed + case_crash)) lost_data=$((lost_data + case_lost))
    why="" case_crash=0 case_lost=0
}

now() { date +%s.%N; }
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
slower() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

# run LABEL LIMIT CMD...: run CMD (stdout to LABEL.out, stderr to LABEL.err)
# under a time limit; leaves $rc and $secs, and notes a crash, a timeout or
# a sanitizer report.
run() {
    local label=$1 limit=$2 t0
    shift 2
    t0=$(now)
    timeout -k 5 "$limit" "$@" >"$label.out" 2>"$label.err"
    rc=$?
    secs=$(secs_since "$t0")
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        bad "$label: did not finish within ${limit}s"
    elif [ $rc -ge 128 ]; then
        crash "$label: killed by signal $((rc - 128))"
    fi
    if grep -qE 'Sanitizer|runtime error:|AddressSanitizer|LeakSanitizer' "$label.err"; then
        crash "$label: sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error:' "$label.err" | head -c 200)"
    fi
}
want_rc() { [ "$rc" -eq "$2" ] || bad "$1: exit $rc, want $2 ($(tail -c 200 "$1.err" | tr '\n' ' '))"; }
# said LABEL FILE WORDS: a "jikenbo: " line of stderr names "FILE: " and has
# WORDS (an ERE) for the reason
said() {
    grep '^jikenbo: ' "$1.err" | grep -F "$2: " | grep -qE "$3" ||
        bad "$1: no message naming $2 and why ($3): $(head -c 300 "$1.err" | tr '\n' ' ')"
}
notices() { sqlite3 "$1" 'SELECT count(*) FROM notices' 2>/dev/null || echo "?"; }
# dupes DB: notices stored twice (same text or same source and index)
dupes() {
    sqlite3 "$1" "SELECT (SELECT count(*) - count(DISTINCT content_hash) FROM notices)
                       + (SELECT count(*) FROM (SELECT 1 FROM notices GROUP BY source, idx HAVING count(*) > 1))" 2>/dev/null ||
        echo "?"
}
# extracted LABEL N: the NDJSON output has N records
extracted() {
    local n
    n=$(grep -c '^{' "$1.out")
    [ "$n" -eq "$2" ] || bad "$1: $n records out, want $2 (the good input must still go through)"
}

GOOD=$SAMPLE/shop-card.txt
[ -f "$GOOD" ] || { echo "reject: no $GOOD" >&2; exit 1; }

# ---- 1. a ZIP posing as a PDF ----
python3 - "$GOOD" <<'EOF'
import sys, zipfile, io
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[1], 'notice.txt')
zipb = buf.getvalue()
open('zip-named.pdf', 'wb').write(zipb)           # a .pdf holding a ZIP
open('%PDF-1.7.pdf', 'wb').write(zipb)            # a "%PDF" name, ZIP bytes
open('pdf-magic.txt', 'wb').write(b'%PDF-1.7\n' + zipb)  # PDF magic, then a ZIP
EOF
run zip-extract 30 "$JKB" extract -f ndjson zip-named.pdf %PDF-1.7.pdf pdf-magic.txt "$GOOD"
want_rc zip-extract 1
said zip-extract zip-named.pdf 'PDF|ZIP'
said zip-extract %PDF-1.7.pdf 'PDF|ZIP'
said zip-extract pdf-magic.txt 'PDF|ZIP'
extracted zip-extract 1
run zip-ingest 30 "$JKB" ingest -q --db zip.db zip-named.pdf %PDF-1.7.pdf pdf-magic.txt "$GOOD"
want_rc zip-ingest 1
said zip-ingest zip-named.pdf 'PDF|ZIP'
said zip-ingest pdf-magic.txt 'PDF|ZIP'
[ "$(notices zip.db)" = 1 ] || lost "zip-ingest: $(notices zip.db) notices stored, want 1 (the good one)"
end "zip posing as PDF (.pdf name, %PDF name, PDF magic + ZIP)"

# ---- 2. a sparse 1 GB file: refused at the cap, without reading it ----
truncate -s 1G huge.txt
run huge-extract 30 "$JKB" extract -f ndjson huge.txt "$GOOD"
want_rc huge-extract 1
said huge-extract huge.txt 'larger than the cap'
extracted huge-extract 1
slower "$secs" 5 && bad "huge-extract: took ${secs}s, the cap should refuse it at once"
s1=$secs
run huge-ingest 30 "$JKB" ingest -q --db huge.db huge.txt "$GOOD"
want_rc huge-ingest 1
said huge-ingest huge.txt 'larger than the cap'
slower "$secs" 5 && bad "huge-ingest: took ${secs}s, the cap should refuse it at once"
[ "$(notices huge.db)" = 1 ] || lost "huge-ingest: $(notices huge.db) notices stored, want 1"
end "sparse 1 GB file over the 64M cap (extract ${s1}s, ingest ${secs}s)"
rm -f huge.txt

# ---- 3. HTML nested 100,000 deep ----
python3 - <<'EOF'
n = 100000
open('divs.html', 'w').write('<html><body>' + '<div>' * n + '<p>不正アクセスについて</p>' + '</div>' * n + '</body></html>\n')
open('bolds.html', 'w').write('<html><body><p>' + '<b>' * n + '不正アクセスについて</p></body></html>\n')
EOF
run nest-extract 60 "$JKB" extract -f ndjson divs.html bolds.html "$GOOD"
want_rc nest-extract 1
said nest-extract divs.html 'nested|deep'
said nest-extract bolds.html 'nested|deep'
extracted nest-extract 1
run nest-ingest 60 "$JKB" ingest -q --db nest.db divs.html bolds.html "$GOOD"
want_rc nest-ingest 1
said nest-ingest divs.html 'nested|deep'
[ "$(notices nest.db)" = 1 ] || lost "nest-ingest: $(notices nest.db) notices stored, want 1"
end "HTML nested 100,000 deep (<div> closed, <b> unclosed)"

# ---- 4. a feed past the item cap (docs/ingest.md: 100,000 are read, the
#         feed is reported and counted as skipped, exit 1) ----
python3 - <<'EOF'
n = 100001
with open('feed.xml', 'w') as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>t</title>\n')
    for i in range(n):
        f.write(f'<item><title>お知らせ{i}</title><link>https://example.jp/n/{i}</link>'
                f'<description>株式会社テスト{i}は不正アクセスを受けました。</description></item>\n')
    f.write('</channel></rss>\n')
EOF
run feed-ingest 120 "$JKB" ingest -q --no-fetch --db feed.db feed.xml "$GOOD"
want_rc feed-ingest 1
said feed-ingest feed.xml 'more than 100000 items'
[ "$(notices feed.db)" = 100001 ] || lost "feed-ingest: $(notices feed.db) notices stored, want 100,000 items + the good one"
[ "$(dupes feed.db)" = 0 ] || lost "feed-ingest: $(dupes feed.db) duplicates"
slower "$secs" 60 && bad "feed-ingest: took ${secs}s (limit 60)"
end "RSS feed of 100,001 items: 100,000 stored, the cap reported (${secs}s)"
rm -f feed.xml feed.db*

# ---- 5. invalid and overlong UTF-8, mixed encodings ----
line1='株式会社テストのサーバーが不正アクセスを受けました。'
line2='お客様の個人情報が漏えいした可能性があります。'
for c in 'c0-80:\300\200' 'e0-80-80:\340\200\200' 'f8-88-80-80-80:\370\210\200\200\200' 'ed-a0-80:\355\240\200'; do
    { printf '%s\n' "$line1"; printf "${c#*:}"; printf '\n%s\n' "$line2"; } >"bad-${c%%:*}.txt"
done
{ iconv -f UTF-8 -t CP932 "$SAMPLE/university-usb.txt"; printf '\n'; cat "$SAMPLE/city-misdelivery.txt"; } >mixed.txt
bads="bad-c0-80.txt bad-e0-80-80.txt bad-f8-88-80-80-80.txt bad-ed-a0-80.txt mixed.txt"
run utf8-extract 30 "$JKB" extract -f ndjson $bads "$GOOD"
want_rc utf8-extract 1
for f in $bads; do said utf8-extract $f 'UTF-8|encoding'; done
extracted utf8-extract 1
run utf8-ingest 30 "$JKB" ingest -q --db utf8.db $bads "$GOOD"
want_rc utf8-ingest 1
for f in $bads; do said utf8-ingest $f 'UTF-8|encoding'; done
[ "$(notices utf8.db)" = 1 ] || lost "utf8-ingest: $(notices utf8.db) notices stored, want 1"
end "invalid/overlong UTF-8 (C0 80, E0 80 80, F8.., ED A0 80) and Shift_JIS + UTF-8 in one file"

# ---- 6. symlink loops in a folder ingest ----
mkdir -p tree/sub
cp "$GOOD" tree/
cp "$SAMPLE/university-usb.txt" tree/sub/
ln -s b tree/a
ln -s a tree/b
ln -s .. tree/sub/up
ln -s . tree/self
ln -s ../shop-card.txt tree/sub/again.txt
run link-ingest 30 "$JKB" ingest -q --db link.db tree
# tree/a and tree/b cannot be read: that is an input failed, exit 1
want_rc link-ingest 1
said link-ingest tree/a 'symbolic links'
[ "$(notices link.db)" = 2 ] || lost "link-ingest: $(notices link.db) notices stored, want the 2 real ones"
[ "$(dupes link.db)" = 0 ] || lost "link-ingest: $(dupes link.db) duplicates"
end "circular symlinks (a->b->a, ..., .) in a folder ingest"

# ---- 7. files vanishing mid-ingest ----
# 300 notices (the samples with a line that differs), a copy kept for case 9
mkdir many
i=0
for k in $(seq 1 60); do
    for f in shop-card city-misdelivery hospital-ransomware university-usb notice-sjis; do
        i=$((i + 1))
        { cat "$SAMPLE/$f.txt"; printf '\nRef. %d\n' $i; } >"$(printf 'many/n%03d-%s.txt' $i $f)"
    done
done
cp -r many many2
# delete every other file from the end of the list (read last) while ingest
# runs, so that some vanish between the folder walk and their reading and
# half are left for the second ingest
ls many | sort -r | awk 'NR % 2' >order.txt
(while read -r f; do rm -f "many/$f"; done <order.txt) &
BG=$!
run vanish-ingest 60 "$JKB" ingest -q --db vanish.db many
wait "$BG" 2>/dev/null
BG=""
[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || bad "vanish-ingest: exit $rc, want 0 or 1"
gone=$(grep -cE '^jikenbo: many/.*No such file' vanish-ingest.err)
# everything named as vanished is gone; each file that is left was stored once
for f in $(sed -nE 's/^jikenbo: (many\/[^:]*): No such file.*/\1/p' vanish-ingest.err); do
    [ -e "$f" ] && bad "vanish-ingest: $f reported gone but is there"
done
[ "$gone" -gt 0 ] && [ "$rc" -ne 1 ] && bad "vanish-ingest: $gone files vanished but exit $rc"
left=0
for f in many/*; do
    [ -e "$f" ] || continue
    left=$((left + 1))
    n=$(sqlite3 vanish.db "SELECT count(*) FROM notices WHERE source = '$f'")
    [ "$n" = 1 ] || lost "vanish-ingest: $f is stored $n times"
done
[ "$(dupes vanish.db)" = 0 ] || lost "vanish-ingest: $(dupes vanish.db) duplicates"
run vanish-again 60 "$JKB" ingest -q --db vanish.db many
want_rc vanish-again 0
grep -q "^0 stored, $left unchanged, 0 updated, 0 skipped$" vanish-again.err ||
    lost "vanish-again: want '0 stored, $left unchanged', got: $(tail -1 vanish-again.err)"
end "files deleted during a folder ingest ($gone reported gone mid-run, $left left)"

# ---- 8. output to a full disk ----
for c in "extract:$GOOD" "extract -f ndjson:$GOOD" "search --db zip.db --format csv -n 0:" \
    "export --db zip.db --format stix:" "export --db zip.db --format misp:" "export --db zip.db --format csv:"; do
    args=${c%%:*} file=${c#*:}
    timeout -k 5 30 "$JKB" $args $file >/dev/full 2>full.err
    rc=$?
    [ $rc -ge 128 ] && [ $rc -ne 137 ] && crash "jikenbo $args >/dev/full: killed by signal $((rc - 128))"
    [ $rc -eq 1 ] || bad "jikenbo $args >/dev/full: exit $rc, want 1"
    grep -qiE '^jikenbo: .*(No space|writ)' full.err || bad "jikenbo $args >/dev/full: no message ($(head -c 200 full.err))"
    grep -qE 'Sanitizer|runtime error:' full.err && crash "jikenbo $args >/dev/full: sanitizer report"
done
end "output to /dev/full (extract, search csv, export stix/misp/csv)"

# ---- 9. a casebook that cannot grow: a file size limit (ulimit -f) ----
# EFBIG for the database's files, as a full disk gives ENOSPC: the same
# failing write for SQLite.
"$JKB" ingest -q --db grow.db "$GOOD" 2>/dev/null
before=$(notices grow.db)
kb=$(($(wc -c <grow.db) / 1024 + 200))
t0=$(now)
(
    trap '' XFSZ
    ulimit -f $kb || exit 99
    exec "$JKB" ingest -q --db grow.db many2
) >grow.out 2>grow.err
rc=$?
secs=$(secs_since "$t0")
if [ $rc -eq 99 ]; then
    bad "grow: ulimit -f does not work here"
elif [ $rc -eq 0 ]; then
    bad "grow: ingest under a ${kb} KiB file size limit succeeded (the limit did not bite?)"
else
    [ $rc -ge 128 ] && crash "grow: killed by signal $((rc - 128))"
    grep -qE 'Sanitizer|runtime error:' grow.err && crash "grow: sanitizer report"
    want_rc grow 1
    said grow grow.db 'writ|disk|grow|full'
    now_n=$(notices grow.db)
    stored=$(sed -nE 's/^([0-9]+) stored,.*/\1/p' grow.err)
    [ "$now_n" = "$((before + ${stored:-0}))" ] ||
        lost "grow: the summary says ${stored:-?} stored but the casebook went from $before to $now_n"
    ic=$(sqlite3 grow.db 'PRAGMA integrity_check' 2>&1)
    [ "$ic" = ok ] || lost "grow: integrity_check: $ic"
    "$JKB" search --db grow.db -n 1 >/dev/null 2>&1 || bad "grow: the casebook no longer opens"
    run grow-again 60 "$JKB" ingest -q --db grow.db many2
    want_rc grow-again 0
    [ "$(notices grow.db)" = $((before + 300)) ] || lost "grow-again: $(notices grow.db) notices, want $((before + 300))"
    [ "$(dupes grow.db)" = 0 ] || lost "grow-again: $(dupes grow.db) duplicates"
fi
end "casebook that cannot grow (ulimit -f ${kb} KiB, SIGXFSZ ignored)"

# ---- 9b. a casebook on a file system that fills (a 32 MB tmpfs) ----
# ENOSPC, as a real full disk gives it: the first batch of 1,000 notices
# fits, the second does not. Mounting needs root, or a user and mount
# namespace (unshare) where root is not at hand; the mount goes with the
# namespace, or is undone by the trap. The checks run once there is room
# again (remounted larger): reading a WAL casebook may itself need to write
# (its -shm index grows), so a full tmpfs says nothing about the file.
fill_run() { # JKB INPUT: in $T, with fill/ the mount point
    mount -t tmpfs -o size=32m jkb-reject-fill fill || exit 98
    timeout -k 5 60 "$1" ingest -q --db fill/c.db "$2" >fill.out 2>fill.err
    echo $? >fill.rc
    mount -o remount,size=256m jkb-reject-fill fill || exit 97
    sqlite3 fill/c.db 'PRAGMA integrity_check' >fill.ic 2>&1
    sqlite3 fill/c.db "SELECT count(*) FROM notices; SELECT count(*) FROM notices_fts_docsize;
        SELECT count(*) FROM notices WHERE record_json IS NULL OR record_json = '' OR text = ''
            OR incident_id IS NULL OR incident_id NOT IN (SELECT id FROM incidents)" >fill.n 2>&1
    timeout -k 5 60 "$1" ingest -q --db fill/c.db "$2" >fill-again.out 2>fill-again.err
    echo $? >fill-again.rc
    sqlite3 fill/c.db "SELECT count(*) FROM notices; SELECT count(*) - count(DISTINCT content_hash) FROM notices;
        PRAGMA integrity_check" >fill-again.n 2>&1
    umount fill
}
mkdir fill
python3 "$SRC/bench/gen.py" fill.txt 12 >/dev/null
fill_all=$("$JKB" extract -f ndjson fill.txt 2>/dev/null | grep -c '^{')
fill_how="" fill_st=""
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1m jkb-reject-fill fill 2>/dev/null; then
    umount fill
    FILL_MOUNTED=$T/fill
    (fill_run "$JKB" fill.txt)
    fill_st=$?
    umount fill 2>/dev/null # when fill_run stopped half-way
    fill_how="mounted as root"
elif command -v unshare >/dev/null && unshare --user --map-root-user --mount true 2>/dev/null; then
    unshare --user --map-root-user --mount bash -c "$(declare -f fill_run); fill_run \"\$1\" \"\$2\"" sh "$JKB" fill.txt
    fill_st=$?
    fill_how="in a user namespace"
fi
FILL_MOUNTED=""
if [ -z "$fill_how" ]; then
    echo "skip casebook on a tmpfs that fills: cannot mount a tmpfs (not root, and no user namespaces for unshare)"
elif [ "$fill_st" != 0 ]; then
    bad "fill: the tmpfs could not be mounted or remounted ($fill_how, status $fill_st)"
    end "casebook on a tmpfs that fills"
else
    rc=$(cat fill.rc)
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        bad "fill: did not finish within 60 s"
    elif [ "$rc" -ge 128 ]; then
        crash "fill: killed by signal $((rc - 128))"
    fi
    grep -qE 'Sanitizer|runtime error:' fill.err fill-again.err && crash "fill: sanitizer report"
    want_rc fill 1
    said fill fill/c.db 'full|[Nn]o space'
    [ "$(cat fill.ic)" = ok ] || lost "fill: integrity_check: $(head -c 200 fill.ic)"
    { read -r n_stored; read -r n_fts; read -r n_half; } <fill.n
    stored=$(sed -nE 's/^([0-9]+) stored,.*/\1/p' fill.err)
    [ "${n_stored:-?}" = "${stored:-none}" ] ||
        lost "fill: the summary says ${stored:-nothing} stored, the casebook holds ${n_stored:-?} ($(head -c 200 fill.n))"
    [ "${n_stored:-0}" -lt "$fill_all" ] || bad "fill: all $fill_all notices went in: the tmpfs did not fill"
    [ "${n_fts:-?}" = "${n_stored:-}" ] || lost "fill: ${n_stored:-?} notices but ${n_fts:-?} full-text rows"
    [ "${n_half:-?}" = 0 ] || lost "fill: ${n_half:-?} notices half-written"
    rc=$(cat fill-again.rc)
    want_rc fill-again 0
    grep -q "^$((fill_all - ${n_stored:-0})) stored, ${n_stored:-0} unchanged, 0 updated, 0 skipped$" fill-again.err ||
        lost "fill-again: want '$((fill_all - ${n_stored:-0})) stored, ${n_stored:-0} unchanged', got: $(tail -1 fill-again.err)"
    [ "$(tr '\n' ' ' <fill-again.n)" = "$fill_all 0 ok " ] ||
        lost "fill-again: want $fill_all notices, 0 duplicates, ok; got: $(tr '\n' ' ' <fill-again.n | head -c 200)"
    end "casebook on a 32 MB tmpfs that fills ($fill_how; ${n_stored:-?} of $fill_all kept, then all)"
fi

# ---- 10. a casebook that is a folder, or not SQLite ----
mkdir dir.db
run dirdb 30 "$JKB" ingest -q --db dir.db "$GOOD"
want_rc dirdb 1
said dirdb dir.db 'directory|folder'
[ -z "$(ls -A dir.db)" ] || lost "dirdb: something was written into the folder: $(ls -A dir.db)"
head -c 65536 /dev/urandom >noise.db
sum0=$(cksum <noise.db)
run noisedb 30 "$JKB" ingest -q --db noise.db "$GOOD"
want_rc noisedb 1
said noisedb noise.db 'not a SQLite'
run noisedb-search 30 "$JKB" search --db noise.db
want_rc noisedb-search 1
[ "$(cksum <noise.db)" = "$sum0" ] || lost "noisedb: the file was changed"
ls noise.db-wal noise.db-shm >/dev/null 2>&1 && bad "noisedb: a -wal or -shm file was left beside it"
end "casebook that is a folder, or random bytes"

if [ $problems -eq 0 ]; then
    echo "reject: all $cases cases passed (0 crashed, 0 lost data; $(($(date +%s) - t_start)) s)"
else
    echo "reject: $problems problem(s) in $cases cases ($crashed crashed, $lost_data lost data; $(($(date +%s) - t_start)) s)"
fi
[ $problems -eq 0 ]
