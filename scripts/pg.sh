#!/bin/bash
# A private PostgreSQL 15 cluster in a folder: no system service, no system-wide state.
#
#   pg.sh start DIR [DB...]  create the cluster if needed, start it on a free loopback port and a
#                            unix socket in DIR, create the databases named; prints the conninfo
#   pg.sh stop DIR           stop it (fast shutdown)
#   pg.sh restart DIR        stop and start again on the same port
#   pg.sh kill DIR           stop it immediately (SIGQUIT: no shutdown checkpoint)
#   pg.sh status DIR         exit 0 when running
#   pg.sh conninfo DIR [DB]  print the libpq conninfo
#   pg.sh standby DIR SRC    make DIR a streaming standby of the running cluster in SRC (a base
#                            backup) and start it on a port of its own
#   pg.sh promote DIR        promote the standby in DIR (a new timeline; tests of fail-over)
#
# initdb refuses to run as root: as root the cluster belongs to the system user "lkip" (created
# when missing). PG_FAST=1 turns fsync off (tests only: a machine crash may lose commits).
# PG_OPTS: more server options for start (e.g. "-c shared_preload_libraries=pg_stat_statements").
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,17p' "$0" >&2; exit 2; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data=$dir/data
PGUSER_NAME=lkip

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$PGUSER_NAME" -- "$@"
    else
        "$@"
    fi
}

ensure_owner() {
    [ "$(id -u)" = 0 ] || return 0
    if ! id "$PGUSER_NAME" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
            "$PGUSER_NAME"
    fi
    chown "$PGUSER_NAME" "$dir"
    if ! runuser -u "$PGUSER_NAME" -- test -w "$dir"; then
        echo "pg.sh: user $PGUSER_NAME cannot write $dir (a parent folder is not searchable);" \
            "put the project under a folder others can enter" >&2
        exit 1
    fi
}

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

running() {
    [ -f "$data/postmaster.pid" ] && as_owner "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1
}

conninfo() {
    echo "host=$dir port=$(cat "$dir/port") user=$PGUSER_NAME dbname=${1:-postgres}"
}

start() {
    ensure_owner
    if [ ! -f "$data/PG_VERSION" ]; then
        as_owner "$PGBIN/initdb" -D "$data" -U "$PGUSER_NAME" --auth=trust -E UTF8 \
            --no-locale >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if running; then
        return 0
    fi
    local fast=""
    [ "${PG_FAST:-0}" = 1 ] && fast="-c fsync=off -c full_page_writes=off"
    local tries=0 port
    while :; do
        if [ -f "$dir/port" ] && [ "$tries" = 0 ]; then
            port=$(cat "$dir/port")
        else
            port=$((20000 + (RANDOM * 32768 + RANDOM) % 30000))
        fi
        tries=$((tries + 1))
        if port_free "$port"; then
            echo "$port" >"$dir/port"
            chmod 644 "$dir/port"
            if as_owner "$PGBIN/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 \
                -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 $fast ${PG_OPTS:-}" \
                start >/dev/null 2>&1; then
                return 0
            fi
        fi
        if [ "$tries" -ge 20 ]; then
            echo "pg.sh: could not start PostgreSQL in $dir; see $dir/postgres.log" >&2
            tail -5 "$dir/postgres.log" >&2 || true
            exit 1
        fi
    done
}

case "$cmd" in
start)
    start
    shift 2
    for db in "$@"; do
        if ! as_owner "$PGBIN/psql" -h "$dir" -p "$(cat "$dir/port")" -U "$PGUSER_NAME" \
            -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
            as_owner "$PGBIN/createdb" -h "$dir" -p "$(cat "$dir/port")" -U "$PGUSER_NAME" "$db"
        fi
    done
    conninfo "${1:-}"
    ;;
stop)
    if running; then as_owner "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
    ;;
restart)
    if running; then as_owner "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
    start
    ;;
kill)
    if [ -f "$data/postmaster.pid" ]; then
        pid=$(head -1 "$data/postmaster.pid")
        kill -QUIT "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    ;;
status)
    running
    ;;
conninfo)
    conninfo "${3:-}"
    ;;
standby)
    src=$(cd "${3:?pg.sh standby DIR SRC}" && pwd)
    ensure_owner
    if [ ! -f "$data/PG_VERSION" ]; then
        as_owner "$PGBIN/pg_basebackup" -h "$src" -p "$(cat "$src/port")" -U "$PGUSER_NAME" \
            -D "$data" -R -X stream -c fast >"$dir/basebackup.log" 2>&1 ||
            { cat "$dir/basebackup.log" >&2; exit 1; }
        rm -f "$dir/port" # a port of its own
    fi
    start
    conninfo
    ;;
promote)
    as_owner "$PGBIN/pg_ctl" -D "$data" -w promote >/dev/null
    ;;
*)
    sed -n '2,17p' "$0" >&2
    exit 2
    ;;
esac
