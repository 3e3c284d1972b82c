#!/bin/bash
# make bench: first two quick phases without a database (the LKIP draft: build/lkip-draft-bench;
# reading a returned 500-indicator unit format: build/lkip-xlsx-bench), then a private
# PostgreSQL with the durable defaults (fsync and synchronous_commit on) and build/lkip-bench,
# which starts lkipd on it, drives the load, runs pgbench on the same cluster and prints the
# table. Extra arguments go to lkip-bench (e.g. --load 10).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}

# A quick phase of its own, before any database: the LKIP draft (report/draft.h) of 300
# indicators across 12 units written as DOCX and PDF, best of three. Printed, never judged.
echo "bench: LKIP draft, 300 indicators across 12 units (DOCX + PDF)" >&2
"$BUILD/lkip-draft-bench" --indicators 300 --units 12 --repeat 3

echo "bench: XLSX unit format, 500 indicators (lkip-xlsx-bench)" >&2
"$BUILD/lkip-xlsx-bench" 500 7
tmp=$(mktemp -d /tmp/lkip-bench.XXXXXX)
chmod 755 "$tmp"
cleanup() { scripts/pg.sh stop "$tmp/pg" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
# pg_stat_statements counts the statements the daemon sends (per step completion in the table)
# (and, for LKIP_BENCH_TOP, the time spent planning them and how often they were planned)
track_planning=off
[ -n "${LKIP_BENCH_TOP:-}" ] && track_planning=on
PG_OPTS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all \
    -c pg_stat_statements.track_planning=$track_planning" \
    scripts/pg.sh start "$tmp/pg" >/dev/null
echo "bench: PostgreSQL $(cat "$tmp/pg/port") in $tmp/pg (fsync on, synchronous_commit on)" >&2
mkdir -p bench/results
PATH=/usr/lib/postgresql/15/bin:$PATH LKIP_TEST_PGDIR=$tmp/pg LKIP_BUILD=$BUILD LKIP_SRCDIR=. \
    TMPDIR=$tmp "$BUILD/lkip-bench" "$@"
