#!/bin/bash
# A pg_auto_failover formation in a folder, for make check-ha: a monitor and two PostgreSQL 15
# nodes (a primary and a synchronous standby) on the loopback, run by pg_autoctl. No system
# service, no system-wide state; as root everything runs as the system user "lkip" (like
# scripts/pg.sh). Needs scripts/deps.sh --ha.
#
#   ha.sh start DIR          make the formation (or start it again) and wait until it has a
#                            primary and a secondary; prints the nodes as "host:port,host:port"
#   ha.sh hosts DIR          print the nodes as "host:port,host:port"
#   ha.sh primary DIR        print the primary as "host:port"
#   ha.sh failover DIR       pg_autoctl perform failover, then wait until the formation is whole
#   ha.sh kill-primary DIR   SIGKILL the primary's postmaster; pg_autoctl restarts it (or the
#                            monitor fails over); then wait until the formation is whole
#   ha.sh stop DIR           stop the nodes and the monitor
#   ha.sh state DIR          pg_autoctl show state
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,16p' "$0" >&2; exit 2; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
OWNER=lkip
# how long the formation may take to settle after a change (seconds)
SETTLE=${HA_SETTLE:-120}

as_owner() {
    local envs=(XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/share"
        XDG_RUNTIME_DIR="$dir/run" PGHOST="$dir/run" PG_CONFIG="$PGBIN/pg_config" PATH="$PGBIN:$PATH")
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$OWNER" -- env "${envs[@]}" "$@"
    else
        env "${envs[@]}" "$@"
    fi
}

ensure_owner() {
    [ "$(id -u)" = 0 ] || return 0
    if ! id "$OWNER" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
            "$OWNER"
    fi
    chown "$OWNER" "$dir"
    if ! runuser -u "$OWNER" -- test -w "$dir"; then
        echo "ha.sh: user $OWNER cannot write $dir (a parent folder is not searchable)" >&2
        exit 1
    fi
}

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A free loopback port, remembered in $dir/NAME.port.
port_of() {
    local f=$dir/$1.port
    if [ ! -f "$f" ]; then
        local p
        while :; do
            p=$((20000 + (RANDOM * 32768 + RANDOM) % 30000))
            port_free "$p" && break
        done
        echo "$p" >"$f"
    fi
    cat "$f"
}

monitor_uri() {
    echo "postgres://autoctl_node@127.0.0.1:$(port_of monitor)/pg_auto_failover?sslmode=disable"
}

# SQL on the monitor's database, one value per line.
monitor_sql() {
    as_owner "$PGBIN/psql" -X -qtA -h 127.0.0.1 -p "$(port_of monitor)" -U "$OWNER" \
        -d pg_auto_failover -c "$1"
}

# Runs "pg_autoctl run" for a node in the background (its log in $dir/NAME.log) when it does not
# run yet.
run_node() {
    local name=$1
    if [ -f "$dir/$name.pid" ] && kill -0 "$(cat "$dir/$name.pid")" 2>/dev/null; then
        return 0
    fi
    as_owner setsid pg_autoctl run --pgdata "$dir/$name" >>"$dir/$name.log" 2>&1 </dev/null &
    echo $! >"$dir/$name.pid"
}

wait_for() {
    local what=$1 test=$2 i
    for i in $(seq 1 $((SETTLE * 5))); do
        if eval "$test" >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    echo "ha.sh: $what: not reached in ${SETTLE}s" >&2
    as_owner pg_autoctl show state --pgdata "$dir/monitor" >&2 || true
    exit 1
}

# True when both nodes are where the monitor wants them: one primary, one secondary.
whole() {
    [ "$(monitor_sql "SELECT count(*) FROM pgautofailover.node WHERE reportedstate = goalstate
        AND goalstate IN ('primary', 'secondary')")" = 2 ] &&
        [ "$(monitor_sql "SELECT count(*) FROM pgautofailover.node WHERE goalstate = 'primary'")" = 1 ] &&
        [ "$(as_owner "$PGBIN/psql" -X -qtA -h 127.0.0.1 -p "$(primary | sed 's/.*://')" \
            -U "$OWNER" -d postgres -c "SELECT NOT pg_is_in_recovery()")" = t ]
}

hosts() {
    echo "127.0.0.1:$(port_of node1),127.0.0.1:$(port_of node2)"
}

primary() {
    monitor_sql "SELECT nodehost || ':' || nodeport FROM pgautofailover.node
        WHERE goalstate = 'primary' AND reportedstate = 'primary'"
}

# initdb by hand, so that the unix sockets go to $dir/run (Debian's default folder is the
# system's); pg_autoctl takes an existing PGDATA. The standby is a copy of the primary (its
# settings come along).
init_cluster() {
    [ -f "$dir/$1/PG_VERSION" ] && return 0
    as_owner "$PGBIN/initdb" -D "$dir/$1" -U "$OWNER" --auth=trust -E UTF8 --no-locale \
        >"$dir/$1.initdb.log" 2>&1 || { cat "$dir/$1.initdb.log" >&2; exit 1; }
    echo "unix_socket_directories = '$dir/run'" >>"$dir/$1/postgresql.conf"
    # tests only: a machine crash may lose commits (a process crash loses nothing)
    [ "${PG_FAST:-0}" = 1 ] && echo "fsync = off" >>"$dir/$1/postgresql.conf"
    return 0
}

start() {
    ensure_owner
    mkdir -p "$dir/config" "$dir/share" "$dir/run"
    [ "$(id -u)" = 0 ] && chown "$OWNER" "$dir/config" "$dir/share" "$dir/run"
    chmod 700 "$dir/run"
    init_cluster monitor
    init_cluster node1
    if [ ! -f "$dir/monitor/postgresql-auto-failover.conf" ]; then
        as_owner pg_autoctl create monitor --pgdata "$dir/monitor" --pgport "$(port_of monitor)" \
            --pgctl "$PGBIN/pg_ctl" --hostname 127.0.0.1 --auth trust --no-ssl \
            >>"$dir/monitor.log" 2>&1
        # the loopback only (pg_autoctl listens on every address by default)
        as_owner pg_autoctl config set --pgdata "$dir/monitor" postgresql.listen_addresses \
            127.0.0.1 >>"$dir/monitor.log" 2>&1
    fi
    run_node monitor
    wait_for "the monitor" "monitor_sql 'SELECT 1'"
    for n in node1 node2; do
        if [ ! -f "$dir/$n/postgresql-auto-failover.conf" ]; then
            as_owner pg_autoctl create postgres --pgdata "$dir/$n" --pgport "$(port_of "$n")" \
                --pgctl "$PGBIN/pg_ctl" --hostname 127.0.0.1 --listen 127.0.0.1 \
                --pghost "$dir/run" --name "$n" --username "$OWNER" --dbname postgres \
                --auth trust --no-ssl --monitor "$(monitor_uri)" >>"$dir/$n.log" 2>&1
        fi
        run_node "$n"
        # the first node must be primary before the second one joins as its standby
        wait_for "$n in the formation" \
            "[ \"\$(monitor_sql \"SELECT reportedstate FROM pgautofailover.node WHERE nodename = '$n'\")\" \
                 = \"\$( [ $n = node1 ] && echo single || echo secondary)\" ] || whole"
    done
    wait_for "a primary and a secondary" whole
    hosts
}

stop() {
    for n in node2 node1 monitor; do
        [ -f "$dir/$n.pid" ] || continue
        local pid
        pid=$(cat "$dir/$n.pid")
        if kill -0 "$pid" 2>/dev/null; then
            as_owner pg_autoctl stop --pgdata "$dir/$n" >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$dir/$n.pid"
        # a postgres left behind by a killed pg_autoctl
        if [ -f "$dir/$n/postmaster.pid" ]; then
            as_owner "$PGBIN/pg_ctl" -D "$dir/$n" -m immediate -w stop >/dev/null 2>&1 || true
        fi
    done
}

case "$cmd" in
start) start ;;
hosts) hosts ;;
primary) primary ;;
failover)
    as_owner pg_autoctl perform failover --pgdata "$dir/monitor" >>"$dir/perform.log" 2>&1
    wait_for "the formation after the failover" whole
    ;;
kill-primary)
    p=$(primary)
    port=${p##*:}
    for n in node1 node2; do
        if [ "$(port_of "$n")" = "$port" ]; then
            pid=$(head -1 "$dir/$n/postmaster.pid")
            kill -KILL "$pid"
            echo "killed the postmaster of $n ($p, pid $pid)" >>"$dir/perform.log"
        fi
    done
    sleep 1
    wait_for "the formation after the kill" whole
    ;;
stop) stop ;;
state) as_owner pg_autoctl show state --pgdata "$dir/monitor" ;;
*) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
