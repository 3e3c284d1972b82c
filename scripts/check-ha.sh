#!/bin/sh
# make check-ha: lkipd on a PostgreSQL formation that fails over. scripts/ha.sh makes a
# pg_auto_failover monitor and two nodes (primary and synchronous standby) in a temporary
# folder, then test_delivery's fail-over test runs a load of step completions with watchers on
# lkipd whose database is the formation's multi-host URI, while pg_autoctl performs a failover,
# another one back, and the primary's postmaster is killed with SIGKILL. It checks that every
# acknowledged change is there once, every watcher got its events without a gap, lkipd's ping
# names the primary after each switch, no lkipd session stays on a standby, and prints how long
# clients saw errors in each switch. Needs scripts/deps.sh --ha. About 1.5 minutes.
# Usage: BUILD=build scripts/check-ha.sh (LKIP_KEEP_TMP=1 keeps the folder and its logs)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
if ! command -v pg_autoctl >/dev/null 2>&1; then
    echo "check-ha: pg_autoctl is missing; install it with scripts/deps.sh --ha" >&2
    exit 1
fi
tmp=$(mktemp -d /tmp/lkip-ha.XXXXXX)
chmod 755 "$tmp"
cleanup() {
    scripts/ha.sh stop "$tmp/formation" >/dev/null 2>&1 || true
    if [ "${LKIP_KEEP_TMP:-0}" = 1 ]; then
        echo "check-ha: kept $tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

start=$(date +%s)
# fsync off: a killed process loses nothing that was committed (the kernel has it)
if ! hosts=$(PG_FAST=1 scripts/ha.sh start "$tmp/formation"); then
    echo "check-ha: the formation did not start; logs in $tmp/formation" >&2
    LKIP_KEEP_TMP=1
    exit 1
fi
echo "check-ha: formation ready in $(($(date +%s) - start)) s: $hosts"
rc=0
LKIP_TEST_HA="$tmp/formation" LKIP_TEST_HA_HOSTS="$hosts" LKIP_SRCDIR="$top" LKIP_BUILD="$BUILD" \
    TMPDIR="$tmp" timeout 600 "$BUILD/tests/test_delivery" || rc=$?
echo "check-ha: $(($(date +%s) - start)) s in all"
if [ "$rc" != 0 ]; then
    scripts/ha.sh state "$tmp/formation" >&2 || true
    echo "check-ha: failed; the formation's logs are in $tmp/formation" >&2
    LKIP_KEEP_TMP=1
fi
exit "$rc"
