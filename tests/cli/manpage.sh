#!/bin/bash
# The man page covers every subcommand and every option its --help lists, and
# every environment variable the front ends read; the bash completion offers
# every subcommand and every option.
# usage: manpage.sh JIKENBO SOURCE_DIR
set -u
bin=$1
src=$2
man=$src/docs/jikenbo.1
fail=0
# the man page source writes options as \-\-name
page=$(sed 's/\\-/-/g' "$man")
cmds=$("$bin" --help | awk '/^commands:/{on=1; next} /^$/{on=0} on && /^  [a-z]/{print $1}')
[ -n "$cmds" ] || { echo "FAIL: no commands in jikenbo --help" >&2; exit 1; }
for c in $cmds; do
    [ "$c" = help ] && continue
    if ! grep -qE "^\.B jikenbo $c\b|^\.BI? \"?$c\b" <<<"$page"; then
        echo "FAIL: jikenbo.1 does not describe the command '$c'" >&2
        fail=1
    fi
    opts=$("$bin" "$c" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
    compl=$(grep -E "^ +$c\) opts=" "$src/completions/jikenbo.bash")
    grep -qE "commands=\"[^\"]*\b$c\b" "$src/completions/jikenbo.bash" ||
        { echo "FAIL: the bash completion does not offer '$c'" >&2; fail=1; }
    for o in $opts; do
        if ! grep -qF -- "$o" <<<"$page"; then
            echo "FAIL: jikenbo.1 does not mention '$c $o'" >&2
            fail=1
        fi
        if ! grep -qE -- "[\" ]$o[\" ]" <<<"$compl"; then
            echo "FAIL: the bash completion does not offer '$c $o'" >&2
            fail=1
        fi
    done
done
for v in $(grep -rhoE 'getenv\("[A-Z_]+"\)' "$src/src" | sed -E 's/getenv\("([A-Z_]+)"\)/\1/' | sort -u); do
    if ! grep -qE "^\.B $v\$" <<<"$page"; then
        echo "FAIL: jikenbo.1 ENVIRONMENT does not list $v" >&2
        fail=1
    fi
done
# it must also be a page man can read without warnings
if command -v groff >/dev/null; then
    warn=$(groff -K utf8 -man -Tutf8 -ww -z "$man" 2>&1)
    if [ -n "$warn" ]; then
        echo "FAIL: groff warns about jikenbo.1:" >&2
        echo "$warn" >&2
        fail=1
    fi
fi
exit $fail
