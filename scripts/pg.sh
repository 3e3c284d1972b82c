#!/bin/bash
# A private PostgreSQL 15 cluster in a folder: no system service, no system-wide state.
#
#   pg.sh start DIR [DB...]  create the cluster if needed, start it on its loopback port (a free
#                            one the first time) and a unix socket in DIR, create the databases
#                            named; prints the conninfo
#   pg.sh stop DIR           stop it (fast shutdown)
#   pg.sh restart DIR        stop and start again on the same port
#   pg.sh kill DIR           stop it immediately (SIGQUIT: no shutdown checkpoint)
#   pg.sh status DIR         exit 0 when running
#   pg.sh conninfo DIR [DB]  print the libpq conninfo
#   pg.sh destroy DIR        stop it and remove its data (and the folder DIR points to)
#   pg.sh standby DIR SRC    make DIR a streaming standby of the running cluster in SRC (a base
#                            backup) and start it on a port of its own
#   pg.sh promote DIR        promote the standby in DIR (a new timeline; tests of fail-over)
#
# initdb refuses to run as root: as root the cluster belongs to the system user "lkip" (created
# when missing). When that user cannot reach DIR (a parent folder such as root's home, or a
# mktemp -d folder, is 0700), the data lives in /var/lib/lkip/<name from DIR's path> and DIR is
# made a symbolic link to it; no permission of the caller's folders is changed.
# The port never moves once chosen (lkipd.conf names it): when it is taken, start waits up to
# PG_PORT_WAIT seconds (default 30), then fails naming what holds it.
# PG_FAST=1 turns fsync off (tests only: a machine crash may lose commits).
# PG_OPTS: more server options for start (e.g. "-c shared_preload_libraries=pg_stat_statements").
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,24p' "$0" >&2; exit 2; }
PGUSER_NAME=lkip
SHARED_ROOT=/var/lib/lkip

# True when the user lkip can enter every folder above $1 (root can always).
owner_reaches() {
    [ "$(id -u)" = 0 ] || return 0
    id "$PGUSER_NAME" >/dev/null 2>&1 || return 1
    runuser -u "$PGUSER_NAME" -- test -x "$1"
}

ensure_user() {
    [ "$(id -u)" = 0 ] || return 0
    if ! id "$PGUSER_NAME" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
            "$PGUSER_NAME"
    fi
}

# The folder under /var/lib/lkip for a cluster folder the user lkip cannot reach: the last
# three parts of its path and a hash of the whole path (short enough for the socket's path).
shared_name() {
    local path=$1 tail hash
    tail=$(echo "$path" | awk -F/ '{ n = NF; s = $n; if (n > 1) s = $(n-1) "-" s;
                                      if (n > 2) s = $(n-2) "-" s; print s }' |
        tr -c 'A-Za-z0-9.\n-' '_' | cut -c1-40)
    hash=$(printf '%s' "$path" | sha256sum | cut -c1-8)
    echo "$SHARED_ROOT/$tail-$hash"
}

# Resolves DIR: a folder of its own where the user lkip can reach it, else a link to one in
# /var/lib/lkip. Only start, restart and standby create anything.
resolve_dir() {
    local given=$1 create=$2 parent abs
    if [ -L "$given" ] || [ -d "$given" ]; then
        dir=$(cd "$given" && pwd -P)
        return 0
    fi
    [ "$create" = 1 ] || { dir=$given; return 0; }
    parent=$(dirname "$given")
    mkdir -p "$parent"
    abs=$(cd "$parent" && pwd -P)/$(basename "$given")
    ensure_user
    if owner_reaches "$(dirname "$abs")"; then
        mkdir -p "$abs"
    else
        local target
        target=$(shared_name "$abs")
        mkdir -p "$SHARED_ROOT" "$target"
        chmod 755 "$SHARED_ROOT"
        ln -sfn "$target" "$abs"
        echo "$abs" >"$target/link"
        echo "pg.sh: user $PGUSER_NAME cannot enter $(dirname "$abs"); the cluster lives in" \
            "$target ($abs points there)" >&2
    fi
    dir=$(cd "$abs" && pwd -P)
}

case "$cmd" in
start | restart | standby) creates=1 ;;
*) creates=0 ;;
esac
resolve_dir "$dir" "$creates"
data=$dir/data

# Runs a PostgreSQL program as the cluster's owner; from / (every path given is absolute), as
# the caller's folder may be one that user cannot enter.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u "$PGUSER_NAME" -- "$@")
    else
        "$@"
    fi
}

ensure_owner() {
    [ "$(id -u)" = 0 ] || return 0
    ensure_user
    chown "$PGUSER_NAME" "$dir"
    if ! runuser -u "$PGUSER_NAME" -- test -w "$dir"; then
        echo "pg.sh: user $PGUSER_NAME cannot write $dir" >&2
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
    local port fixed=0 waited=0 wait_max=${PG_PORT_WAIT:-30}
    if [ -f "$dir/port" ]; then
        port=$(cat "$dir/port")
        fixed=1
    else
        port=$(free_port)
    fi
    while :; do
        if as_owner "$PGBIN/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 $fast ${PG_OPTS:-}" \
            start >/dev/null 2>&1; then
            echo "$port" >"$dir/port"
            chmod 644 "$dir/port"
            return 0
        fi
        if ! tail -n 5 "$dir/postgres.log" 2>/dev/null |
            grep -q 'could not bind\|could not create listen socket\|already in use'; then
            echo "pg.sh: could not start PostgreSQL in $dir; see $dir/postgres.log" >&2
            tail -5 "$dir/postgres.log" >&2 || true
            exit 1
        fi
        if [ "$fixed" = 0 ] && [ "$waited" -lt 20 ]; then
            # the first start: nothing names the port yet, another free one will do
            port=$(free_port)
        elif [ "$waited" -ge "$wait_max" ]; then
            port_taken "$port"
        else
            sleep 1
        fi
        waited=$((waited + 1))
    done
}

free_port() {
    local port
    while :; do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 30000))
        if port_free "$port"; then
            echo "$port"
            return 0
        fi
    done
}

# The cluster's port stays taken: says by what (a listener, or connections using it as their
# local port), and stops. The cluster never moves to another port: lkipd.conf names this one.
port_taken() {
    local port=$1 holders
    holders=$(ss -Htanp "( sport = :$port )" 2>/dev/null | head -5 || true)
    echo "pg.sh: PostgreSQL in $dir cannot start: its port $port is in use" \
        "(lkipd and clients name this port, so the cluster does not move to another)." >&2
    if [ -n "$holders" ]; then
        echo "pg.sh: held by:" >&2
        echo "$holders" | sed 's/^/  /' >&2
    else
        echo "pg.sh: see $dir/postgres.log:" >&2
        tail -3 "$dir/postgres.log" 2>/dev/null | sed 's/^/  /' >&2 || true
    fi
    echo "pg.sh: free the port and run this again (waited ${PG_PORT_WAIT:-30} s)" >&2
    exit 1
}

destroy() {
    if running; then as_owner "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
    local given=$1
    if [ -L "$given" ]; then
        case "$dir" in
        "$SHARED_ROOT"/*) rm -rf "$dir" ;;
        esac
        rm -f "$given"
    elif [ -d "$given" ]; then
        rm -rf "$given"
    fi
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
destroy)
    destroy "$2"
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
    sed -n '2,24p' "$0" >&2
    exit 2
    ;;
esac
