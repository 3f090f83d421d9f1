#!/bin/sh
# `make install` gives a usable installation: the command, its man page and
# completion, and a library that a program can be built against with only
# `pkg-config --cflags --libs jikenbo` (consumer.c), from a prefix other than
# the configured one.
# usage: tests/install/install.sh BUILD_DIR SOURCE_DIR
set -u
B=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cmake --install "$B" --prefix "$T/p" >"$T/log" 2>&1 || fail "cmake --install: $(tail -n 3 "$T/log")"
for f in bin/jikenbo share/man/man1/jikenbo.1 share/bash-completion/completions/jikenbo include/jikenbo/jikenbo.h \
    include/jikenbo/store.h; do
    [ -e "$T/p/$f" ] || fail "$f is not installed"
done
pc=$(find "$T/p" -name jikenbo.pc | head -n 1)
[ -n "$pc" ] || fail "jikenbo.pc is not installed"
"$T/p/bin/jikenbo" --version | grep -q '^jikenbo ' || fail "the installed jikenbo does not run"
export PKG_CONFIG_PATH="$(dirname "$pc")"
flags=$(pkg-config --cflags --libs jikenbo) || fail "pkg-config jikenbo: $(pkg-config --cflags --libs jikenbo 2>&1)"
case $flags in *"$T/p"*) ;; *) fail "jikenbo.pc does not point into the prefix it was installed to: $flags" ;; esac
# shellcheck disable=SC2086
cc -std=c11 -Wall -Werror -o "$T/consumer" "$SRC/tests/install/consumer.c" $flags >"$T/cc" 2>&1 ||
    fail "a program does not build with pkg-config's flags: $(head -c 600 "$T/cc")"
out=$("$T/consumer") || fail "the consumer failed: $out"
echo "$out" | grep -q '^org=株式会社テスト物産$' || fail "the consumer did not extract the organization: $out"
echo "$out" | grep -q '^exporter: stix$' || fail "the export library is not linked: $out"
echo "PASS: install (prefix $T/p, $flags)"
