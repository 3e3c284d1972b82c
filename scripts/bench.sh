#!/bin/bash
# make bench: a private PostgreSQL with the durable defaults (fsync and synchronous_commit on),
# then build/lkip-bench, which starts lkipd on it, drives the load, runs pgbench on the same
# cluster and prints the table. Extra arguments go to lkip-bench (e.g. --load 10).
# A quick first phase times reading a returned 500-indicator unit format (build/lkip-xlsx-bench:
# no database, a second or two).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}

echo "bench: XLSX unit format, 500 indicators (lkip-xlsx-bench)" >&2
"$BUILD/lkip-xlsx-bench" 500 7
tmp=$(mktemp -d /tmp/lkip-bench.XXXXXX)
chmod 755 "$tmp"
cleanup() { scripts/pg.sh stop "$tmp/pg" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
scripts/pg.sh start "$tmp/pg" >/dev/null
echo "bench: PostgreSQL $(cat "$tmp/pg/port") in $tmp/pg (fsync on, synchronous_commit on)" >&2
mkdir -p bench/results
PATH=/usr/lib/postgresql/15/bin:$PATH LKIP_TEST_PGDIR=$tmp/pg LKIP_BUILD=$BUILD LKIP_SRCDIR=. \
    TMPDIR=$tmp "$BUILD/lkip-bench" "$@"
