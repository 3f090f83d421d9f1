#!/bin/sh
# Browser tests of the casebook page: a casebook of the samples (and a notice
# full of markup), a report of it, a server on a free loopback port, then
# test.js in Debian's headless Chromium through playwright-core, which npm
# installs (pinned by package-lock.json) into the build folder.
# usage: tests/web/run.sh JIKENBO SOURCE_DIR BUILD_DIR
# Exit 77 (skipped) only when node or /usr/bin/chromium is missing.
set -eu
JKB=$1 SRC=$(cd "$2" && pwd) BUILD=$(cd "$3" && pwd)
command -v node >/dev/null 2>&1 || { echo "skipped: no node"; exit 77; }
[ -x /usr/bin/chromium ] || { echo "skipped: no /usr/bin/chromium (apt-get install chromium)"; exit 77; }
command -v npm >/dev/null 2>&1 || { echo "npm is missing (node is there): cannot install playwright-core"; exit 1; }

MODS="$BUILD/web-test"
mkdir -p "$MODS"
if ! cmp -s "$SRC/tests/web/package-lock.json" "$MODS/package-lock.json" || [ ! -d "$MODS/node_modules/playwright-core" ]; then
    cp "$SRC/tests/web/package.json" "$SRC/tests/web/package-lock.json" "$MODS/"
    (cd "$MODS" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

TMP=$(mktemp -d)
PID=""
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

SHOTS="$BUILD/web-shots"
rm -rf "$SHOTS" && mkdir -p "$SHOTS"
# more notices than one page holds (20), over two years, for paging and the year facet
mkdir -p "$TMP/more"
n=1
while [ $n -le 24 ]; do
    y=$((2022 + n % 2)); m=$(( (n % 12) + 1 ))
    printf '%d年%d月%d日\n株式会社ページ試験%02d\n\n当社サーバーへの不正アクセスについて\n\n当社のサーバーが第三者による不正アクセスを受け、お客様%d名の氏名とメールアドレスが流出した可能性があることが判明しました。\n' \
        "$y" "$m" "$n" "$n" "$((n * 10))" > "$TMP/more/n$n.txt"
    n=$((n + 1))
done
"$JKB" ingest --db "$TMP/case.db" -q "$SRC"/sample/*.txt "$SRC"/sample/*.html "$SRC/tests/web/xss-notice.txt" "$TMP/more"
# a leak-site claim on the sample's hospital, linked to its notice (the card lists it)
printf '・医療法人翠嶺会\n' > "$TMP/claims.txt"
"$JKB" claims import --db "$TMP/case.db" --group LockBit --date 2024-12 "$TMP/claims.txt" 2>/dev/null
"$JKB" report --db "$TMP/case.db" --out "$SHOTS/report.html"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$TMP/token"
"$JKB" serve --db "$TMP/case.db" --listen 127.0.0.1:0 --token-file "$TMP/token" --threads 2 > "$TMP/out" 2> "$TMP/err" &
PID=$!
i=0
while ! grep -q '^listening on ' "$TMP/out"; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$PID" 2>/dev/null; then
        echo "the server did not start:"; cat "$TMP/err"; exit 1
    fi
    sleep 0.1
done
URL=$(sed -n 's/^listening on \([^ ]*\) .*/\1/p' "$TMP/out")
JKB_URL=$URL JKB_TOKEN=$(cat "$TMP/token") JKB_SHOTS=$SHOTS JKB_REPORT="$SHOTS/report.html" \
    JKB_MODULES="$MODS/node_modules" node "$SRC/tests/web/test.js"
