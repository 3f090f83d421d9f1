#!/bin/sh
# A throwaway PostgreSQL server for the store tests and benchmarks, from the
# Debian packages (/usr/lib/postgresql/*/bin): a UTF-8 cluster with the
# C.UTF-8 locale (so that pg_trgm indexes Japanese) listening only on a Unix
# socket inside DIR, with one database, "jikenbo".
#
# usage: scripts/pg-test-server.sh start DIR   prints the connection URL
#        scripts/pg-test-server.sh stop DIR    stops the server, removes DIR
#        scripts/pg-test-server.sh restart DIR [fast|immediate]
#                                              restarts it (the fault tests)
#
# initdb and the server refuse to run as root: as root they run as the
# `postgres` OS user (runuser), and DIR is given to that user. DIR must be an
# absolute-izable path of plain characters (letters, digits, / . _ -) short
# enough for a socket name. Exits 77 when the server binaries are missing.
# Environment: PG_BIN (the bin directory), PG_PORT (default 5432: the socket
# is private to DIR, so the number never collides).
set -eu

die() {
    echo "pg-test-server: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start|stop DIR, or $0 restart DIR [fast|immediate]" >&2
    exit 2
}

[ $# -eq 2 ] || [ $# -eq 3 ] || usage
cmd=$1
dir=$2
mode=${3:-fast}
case $mode in fast | immediate) ;; *) usage ;; esac
[ -n "$dir" ] || usage

find_bin() {
    if [ -n "${PG_BIN:-}" ]; then
        echo "$PG_BIN"
        return
    fi
    # the newest installed major version
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n | tail -n 1
}
BIN=$(find_bin)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ] || [ ! -x "$BIN/pg_ctl" ]; then
    echo "pg-test-server: no PostgreSQL server binaries (install the Debian package postgresql)" >&2
    exit 77
fi
PORT=${PG_PORT:-5432}

# as_owner CMD...: run CMD as the cluster's owner
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user (Debian package postgresql)"
    OWNER=postgres
    as_owner() { runuser -u postgres -- "$@"; }
else
    OWNER=$(id -un)
    as_owner() { "$@"; }
fi

case $cmd in
start)
    case $dir in
    *[!A-Za-z0-9/._-]*) die "DIR may hold only letters, digits and / . _ - (it goes into a URL): $dir" ;;
    esac
    if [ -e "$dir/data" ]; then die "$dir already holds a cluster"; fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd -P)
    # the socket's path must fit in sun_path (108 bytes with the NUL)
    [ ${#dir} -le 90 ] || die "DIR is too long for a socket path: $dir"
    : >"$dir/.jikenbo-pg-test"
    if [ "$OWNER" = postgres ]; then
        chown postgres "$dir"
        # postgres must reach DIR through its parents
        as_owner test -x "$dir" || die "the postgres user cannot enter $dir (check its parents' permissions)"
    fi
    chmod 700 "$dir"
    as_owner "$BIN/initdb" -D "$dir/data" -E UTF8 --locale=C.UTF-8 -A trust -U postgres >"$dir/initdb.log" 2>&1 ||
        die "initdb failed: $(tail -n 5 "$dir/initdb.log")"
    # no TCP; fsync off: the cluster is thrown away after the tests
    as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -p $PORT -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null 2>&1 || die "the server did not start: $(tail -n 5 "$dir/server.log" 2>/dev/null)"
    "$BIN/psql" -X -q -h "$dir" -p "$PORT" -U postgres -d postgres -c 'CREATE DATABASE jikenbo' >/dev/null ||
        die "cannot create the database"
    echo "postgresql:///jikenbo?host=$dir&port=$PORT&user=postgres"
    ;;
stop)
    [ -d "$dir" ] || exit 0
    dir=$(cd "$dir" && pwd -P)
    # remove only what start made
    [ -f "$dir/.jikenbo-pg-test" ] || die "$dir was not made by $0 start; not touching it"
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$BIN/pg_ctl" -D "$dir/data" -w -t 30 -m fast stop >/dev/null 2>&1 ||
            as_owner "$BIN/pg_ctl" -D "$dir/data" -w -t 30 -m immediate stop >/dev/null 2>&1 ||
            die "cannot stop the server in $dir (see $dir/server.log)"
    fi
    rm -rf "$dir"
    ;;
restart)
    dir=$(cd "$dir" && pwd -P)
    [ -f "$dir/.jikenbo-pg-test" ] || die "$dir was not made by $0 start; not touching it"
    # pg_ctl restart starts the server again with the options it was started
    # with (data/postmaster.opts): the same socket directory and settings
    as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m "$mode" restart >/dev/null 2>&1 ||
        die "the server did not restart: $(tail -n 5 "$dir/server.log" 2>/dev/null)"
    ;;
*)
    usage
    ;;
esac
