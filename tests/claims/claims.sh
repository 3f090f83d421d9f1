#!/bin/sh
# jikenbo claims end to end: exit statuses of bad use, import of a plain list
# and of ransomwatch JSON (again: nothing new), kept in the casebook and
# linked to its notices (show lists them; claims link again after an
# ingest), an extra claims file (--claims, $JIKENBO_CLAIMS), the claims file
# of an earlier version moved in once, list and report in every format, the
# date window; then the issue's bar on the seed casebook (when ../shared is
# there): the DarkTracer list and the タカミヤ claim name their organizations
# once those notices are in the casebook, and are claimed-but-undisclosed
# before.
# usage: tests/claims/claims.sh JIKENBO_BINARY [SHARED_DIR]
set -u
BIN=$1
SHARED=${2:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
T=$(mktemp -d "${TMPDIR:-/tmp}/jkb-claims.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
DB=$T/c.db
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
expect() {
    want=$1
    shift
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    [ "$got" = "$want" ] || fail "exit $got (want $want): $* :: $(head -c 300 "$T/err")"
}
has() { grep -q -- "$1" "$T/$2" || fail "'$1' not in $2 of the last command: $(head -c 400 "$T/$2")"; }
# py EXPR: a Python check over the JSON in $T/out (bound to d)
py() {
    python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
ok=eval(sys.argv[2])
sys.exit(0 if ok else 1)' "$T/out" "$1" || fail "python check '$1' on: $(head -c 600 "$T/out")"
}

# ---- usage ----
expect 2 "$BIN" claims
expect 0 "$BIN" claims --help
has 'claims import' out
expect 0 "$BIN" help claims
expect 2 "$BIN" claims bogus
expect 2 "$BIN" claims import --db "$DB"
expect 2 "$BIN" claims import --db "$DB" --type yaml x
expect 2 "$BIN" claims import --db "$DB" --date 2023-13 x
expect 2 "$BIN" claims report --db "$DB" --format ndjson
expect 2 "$BIN" claims report --db "$DB" --window 0
expect 2 "$BIN" claims report --db "$DB" --min-score 1.5
expect 2 "$BIN" claims report --db "$DB" some-file
expect 2 "$BIN" claims list --db "$DB" --bogus
expect 1 "$BIN" claims import --db "$DB" "$T/no-such-file.json"
has 'no-such-file' err
printf '[{"post_title": "x.co.jp",' >"$T/broken.json"
expect 1 "$BIN" claims import --db "$DB" "$T/broken.json"
has 'not JSON' err
expect 1 "$BIN" claims list --db postgresql://127.0.0.1:9/none
has 'PostgreSQL' err
# a casebook that is not there is not made by list, report or link
for sub in list report link; do
    expect 1 "$BIN" claims $sub --db "$T/none.db"
    has 'no casebook at' err
    [ -e "$T/none.db" ] && fail "claims $sub made a casebook"
done

# ---- a small casebook of test notices (invented organizations) ----
cat >"$T/n1.txt" <<'EOF'
2023年1月20日
株式会社ハナミズキ

ランサムウェア被害の発生について

当社グループのサーバーがランサムウェアによる攻撃を受けたことが判明しました。
お問い合わせ: info@hanamizuki-example.co.jp
EOF
cat >"$T/n2.txt" <<'EOF'
2023年2月3日
株式会社コトブキ

当社サーバーへの不正アクセスについて

当社のサーバーが第三者による不正アクセスを受けたことを確認いたしました。
EOF
expect 0 "$BIN" ingest --db "$DB" "$T/n1.txt" "$T/n2.txt"

printf 'hanamizuki.co\nUnknown Corp (unknown-example.com)\n' >"$T/list.txt"
expect 0 "$BIN" claims import --db "$DB" --group lockbit3 --date 2023-01-07 "$T/list.txt"
has '2 claims read, 2 new; the casebook holds 2' err
# hanamizuki.co reads as ハナミズキ: linked to its notice at import
has 'linked: 2 claims, 1 links' err
[ -e "$DB.claims.ndjson" ] && fail "claims written to a file beside the casebook, not into it"
expect 0 "$BIN" show --db "$DB" 1
has '^claims (leak-site posts' out
has 'lockbit3' out
has 'hanamizuki.co' out
expect 0 "$BIN" show --db "$DB" 2
grep -q '^claims (' "$T/out" && fail "show 2 lists claims that name another organization"
expect 0 "$BIN" claims import --db "$DB" --group lockbit3 --date 2023-01-07 "$T/list.txt"
has '2 claims read, 0 new; the casebook holds 2' err
cat >"$T/posts.json" <<'EOF'
[{"post_title": "kotobuki-example.jp", "group_name": "akira", "discovered": "2023-01-28 10:00:00.000000"},
 {"post_title": "KOTOBUKI", "group_name": "akira", "discovered": "2020-01-28 10:00:00.000000"},
 {"post_title": "Some Company", "group_name": "play", "discovered": "2023-01-02 10:00:00.000000", "website": "https://www.hanamizuki-example.co.jp/"}]
EOF
expect 0 "$BIN" claims import --db "$DB" "$T/posts.json"
has '3 claims read, 3 new; the casebook holds 5' err
expect 0 "$BIN" claims list --db "$DB" --format ndjson
[ "$(wc -l <"$T/out")" -eq 5 ] || fail "claims list gives $(wc -l <"$T/out") lines, want 5"
expect 0 "$BIN" claims list --db "$DB" --format json
py 'len(d)==5 and all("id" in c and "claimed" in c for c in d)'
expect 0 "$BIN" claims list --db "$DB" --format csv
has '^id,claimed,group,victim' out
expect 0 "$BIN" claims list --db "$DB" --since 2023-01-05
[ "$(grep -c . "$T/out")" -eq 4 ] || fail "--since keeps $(($(grep -c . "$T/out") - 1)) claims, want 3"

expect 0 "$BIN" claims report --db "$DB" --format json
# hanamizuki.co reads as ハナミズキ; the post's website is the notice's address; KOTOBUKI of 2020
# lies outside the window; コトブキ's domain is not in its notice
py 'any(m["claim"]["domain"]=="hanamizuki.co" and m["org"]=="株式会社ハナミズキ" and "romaji" in m["reason"] and m["delay_days"]==13 for m in d["matched"])'
py 'any(m["claim"]["victim"]=="Some Company" and m["org"]=="株式会社ハナミズキ" and "address" in m["reason"] for m in d["matched"])'
py 'any(c["claim"]["victim"]=="KOTOBUKI" for c in d["claimed_undisclosed"])'
py 'any(c["claim"]["domain"]=="unknown-example.com" for c in d["claimed_undisclosed"])'
py 'd["summary"]["matched"]>=2 and d["summary"]["window_days"]==365'
expect 0 "$BIN" claims report --db "$DB" --window 2000 --format json
py 'any(m["claim"]["victim"]=="KOTOBUKI" and m["org"]=="株式会社コトブキ" for m in d["matched"])'
printf 'kotobuki-example.jp\t株式会社コトブキ\n' >"$T/orgs.tsv"
expect 0 "$BIN" claims report --db "$DB" --orgs "$T/orgs.tsv" --format json
py 'any(m["claim"]["domain"]=="kotobuki-example.jp" and m["org"]=="株式会社コトブキ" and "orgs table" in m["reason"] for m in d["matched"])'
py 'not any(u["org"]=="株式会社コトブキ" for u in d["disclosed_unclaimed"])'
expect 0 "$BIN" claims report --db "$DB"
has '^Claimed and disclosed' out
has '^Claimed, never disclosed' out
has 'why: ' out
has 'claims: .* matched' out
expect 0 "$BIN" claims report --db "$DB" --format csv
has '^status,claim_id,claimed,group,victim,domain' out
has '^matched,' out
has '^claimed_undisclosed,' out
python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1]))); n=len(r[0]); sys.exit(0 if all(len(x)==n for x in r) else 1)' "$T/out" ||
    fail "csv rows of unequal length"
expect 1 "$BIN" claims report --db "$DB" --orgs "$T/no-such-orgs.tsv"
# another claims file: read beside the casebook's, kept only by import
printf '{"id":null,"victim":"Other Example KK","domain":"other-example.jp","group":"play","claimed":"2023-02"}\n' >"$T/other.ndjson"
JIKENBO_CLAIMS=$T/other.ndjson expect 0 "$BIN" claims list --db "$DB" --format ndjson
[ "$(wc -l <"$T/out")" -eq 6 ] || fail "\$JIKENBO_CLAIMS: $(wc -l <"$T/out") claims listed, want the casebook's 5 and the file's 1"
expect 0 "$BIN" claims list --db "$DB" --format ndjson
[ "$(wc -l <"$T/out")" -eq 5 ] || fail "the file's claim listed without \$JIKENBO_CLAIMS or --claims"
JIKENBO_CLAIMS=$T/other.ndjson expect 2 "$BIN" claims import --db "$DB"
expect 0 "$BIN" claims import --db "$DB" --claims "$T/other.ndjson"
has '1 claims read, 1 new; the casebook holds 6' err

# a notice stored after the claims: ingest says how to link them, link does
cat >"$T/n3.txt" <<'EOF'
2023年1月25日
株式会社サクラダ

ランサムウェア被害の発生について

当社のサーバーがランサムウェアによる攻撃を受けたことが判明しました。
EOF
printf '・株式会社サクラダ\n' >"$T/list2.txt"
expect 0 "$BIN" claims import --db "$DB" --group akira --date 2023-01-15 "$T/list2.txt"
expect 0 "$BIN" ingest --db "$DB" "$T/n3.txt"
has "claims link" err
expect 0 "$BIN" show --db "$DB" 3
grep -q '^claims (' "$T/out" && fail "a claim linked before claims link ran"
expect 0 "$BIN" claims link --db "$DB"
has 'linked: ' err
expect 0 "$BIN" show --db "$DB" 3
has '^claims (' out
has 'akira' out
expect 2 "$BIN" claims link --db "$DB" --format json

# the claims file of a casebook made before schema 2: moved in once
L=$T/legacy.db
expect 0 "$BIN" ingest --db "$L" "$T/n1.txt"
printf '{"id":null,"victim":null,"domain":"hanamizuki.co","group":"lockbit3","claimed":"2023-01-07"}\n' >"$L.claims.ndjson"
expect 0 "$BIN" claims list --db "$L" --format ndjson
has 'moved into the casebook' err
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "the old claims file's claim is not listed"
[ -e "$L.claims.ndjson" ] && fail "the old claims file is still there to be read again"
[ -s "$L.claims.ndjson.imported" ] || fail "the old claims file was not kept as .imported"
expect 0 "$BIN" claims list --db "$L" --format ndjson
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "the old claims file's claim listed $(wc -l <"$T/out") times"

# ---- the bar on the seed ----
SEED=$SHARED/corpus/seed/casebook-2023-01.txt
if [ ! -f "$SEED" ]; then
    echo "claims.sh: $SEED is not there: the seed's bar is skipped"
    [ "$FAILS" -eq 0 ] || exit 1
    exit 77
fi
S=$T/seed.db
expect 0 "$BIN" ingest --db "$S" "$SEED"
expect 0 "$BIN" claims report --db "$S" --format json
py 'any(m["claim"]["victim"]=="住友ベークライト株式会社" and m["org"]=="住友ベークライト株式会社" for m in d["matched"])'
py 'sorted(c["claim"]["victim"] for c in d["claimed_undisclosed"])==["株式会社シード","株式会社タカミヤ","株式会社トーコー"]'
py 'len(d["matched"])==1'
# the casebook's claims kept as claims of their own
expect 0 "$BIN" claims import --db "$S" --from-casebook
has '4 claims read, 4 new' err
# stand-ins for the notices of シード, トーコー, タカミヤ (test text, not theirs)
for org in 株式会社シード:2023年1月10日 株式会社トーコー:2023年1月12日 株式会社タカミヤ:2023年1月20日; do
    name=${org%%:*}
    day=${org#*:}
    printf '%s\n%s\n\nランサムウェア被害に関するお知らせ\n\n当社のサーバーがランサムウェアによる攻撃を受けたことが判明しました。\n' \
        "$day" "$name" >"$T/standin-$day.txt"
done
expect 0 "$BIN" ingest --db "$S" "$T"/standin-*.txt
expect 0 "$BIN" claims report --db "$S" --format json
for v in 住友ベークライト株式会社 株式会社シード 株式会社トーコー 株式会社タカミヤ; do
    py "any(m['claim']['victim']=='$v' and m['org']=='$v' for m in d['matched'])"
done
py 'len(d["claimed_undisclosed"])==0'
# ransomwatch's posts: takamiya.co (lockbit3) and SUMITOMO BAKELITE USA (its website
# sumibe.co.jp, paired with the name in the DarkTracer list)
POSTS=$SHARED/data/ransomwatch/posts.json
if [ -f "$POSTS" ]; then
    expect 0 "$BIN" claims import --db "$S" "$POSTS"
    expect 0 "$BIN" claims report --db "$S" --japan --format json
    py 'any(m["claim"]["domain"]=="takamiya.co" and m["claim"]["group"]=="lockbit3" and m["org"]=="株式会社タカミヤ" for m in d["matched"])'
    py 'any(m["claim"]["victim"]=="SUMITOMO BAKELITE USA" and m["org"]=="住友ベークライト株式会社" and m["delay_days"]==-7 for m in d["matched"])'
    py 'any(c["claim"]["domain"]=="fujikura.co.jp" for c in d["claimed_undisclosed"])'
    py 'all(c["claim"]["domain"] is None or c["claim"]["domain"].endswith(".jp") or c["claim"]["victim"] for c in d["claimed_undisclosed"])'
fi

[ "$FAILS" -eq 0 ] || { echo "$FAILS failures"; exit 1; }
echo "claims: all checks passed"
