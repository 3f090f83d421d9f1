#!/bin/sh
# Install the Debian 12 packages jikenbo needs to build and test, only those
# missing; through sudo when not root. Safe to run again.
set -eu
PKGS="build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev python3 time
libutf8proc-dev libuchardet-dev libxml2-dev libjansson-dev libcmocka-dev valgrind
libsqlite3-dev sqlite3 libpoppler-glib-dev libcurl4-openssl-dev
libpq-dev postgresql postgresql-contrib python3-jsonschema
libmicrohttpd-dev chromium nodejs wrk"
missing=""
# npm comes with NodeSource's nodejs (which conflicts with Debian's npm):
# ask for Debian's only where there is no npm at all
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "jikenbo: installing missing Debian packages:$missing" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
