#!/bin/bash
# Runs every test program of a build: unit tests first, then the integration tests, all against
# ONE private PostgreSQL cluster started for this run (each test harness makes its own database
# in it). Called by make check / check-asan / check-tsan:
#
#   BUILD=<build folder> tests/run.sh
#
# Each program runs under a timeout (TEST_TIMEOUT seconds, default 600). Its cmocka summary
# lines are counted; a program that crashed or timed out without a summary counts as one failed
# test, and so does a program that exited non-zero although all its tests passed (for example a
# leak report at exit). The last line of the output is "N passed, N failed"; the exit status is 1
# when anything failed. LKIP_KEEP_TMP=1 keeps the run's temp folder (logs, cluster).
# TESTS="test_workflow test_board" runs only the named programs (while working on one part).
# TEST_PROGRAMS="build/browser/test_browser" runs those programs instead of the unit and
# integration tests (make check-browser).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
BUILD=${BUILD:-build}
TEST_TIMEOUT=${TEST_TIMEOUT:-600}

total_passed=0
total_failed=0

tmp=""
cleanup() {
    [ -n "$tmp" ] || return 0
    "$root/scripts/pg.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
    if [ "${LKIP_KEEP_TMP:-0}" = 1 ]; then
        echo "run.sh: kept $tmp"
    else
        rm -rf "$tmp"
    fi
    tmp=""
}

# Cleans up, then prints the summary as the very last line.
finish() {
    cleanup
    echo "$total_passed passed, $total_failed failed"
    [ "$total_failed" = 0 ] && [ "$total_passed" -gt 0 ]
    exit $?
}

if ! build=$(cd "$BUILD" 2>/dev/null && pwd); then
    echo "run.sh: no build folder \"$BUILD\" (run make tests first)" >&2
    total_failed=1
    finish
fi

trap cleanup EXIT
tmp=$(mktemp -d /tmp/lkip-run.XXXXXX) || exit 1
# the cluster's unprivileged owner must be able to enter it
chmod 755 "$tmp"
trap 'exit 130' INT
trap 'exit 143' TERM

# The daemon's libraries tell a sanitizer build (read whole first: grep -q stopping early would
# make ldd fail on a closed pipe, and pipefail the test).
libs=$(ldd "$build/lkipd" 2>/dev/null)
# A sanitizer build: the same defaults as make check-asan unless the caller chose others, and no
# core files from abort_on_error.
if grep -q libasan <<<"$libs"; then
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    # third-party leaks that are not lkip's to free (tests/lsan.supp says which and why)
    export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
    ulimit -c 0
    echo "run.sh: sanitizer build (ASAN_OPTIONS=$ASAN_OPTIONS)"
fi
# A ThreadSanitizer build: every process (test programs, the lkipd and lkip they start) writes its
# reports to a file under $tmp/tsan; after each program those files are shown and each report
# counts as a failed test (a daemon's report would otherwise stay in a log nobody reads); the
# reports count, not the exit status (exitcode=0).
tsan=""
if grep -q libtsan <<<"$libs"; then
    tsan="$tmp/tsan"
    mkdir -p "$tsan" "$tsan.seen"
    export TSAN_OPTIONS=${TSAN_OPTIONS:-suppressions=$root/tests/tsan.supp:second_deadlock_stack=1:history_size=4:exitcode=0}:log_path=$tsan/report
    ulimit -c 0
    echo "run.sh: ThreadSanitizer build (TSAN_OPTIONS=$TSAN_OPTIONS)"
fi

if ! PG_FAST=1 "$root/scripts/pg.sh" start "$tmp/pg" >"$tmp/pg-start.log" 2>&1; then
    cat "$tmp/pg-start.log" >&2
    echo "run.sh: could not start PostgreSQL" >&2
    total_failed=1
    finish
fi
export LKIP_TEST_PGDIR="$tmp/pg"
export LKIP_BUILD="$build"
export LKIP_SRCDIR="$root"
export TMPDIR="$tmp"
unset CMOCKA_MESSAGE_OUTPUT CMOCKA_XML_FILE

# Sums the N of every line of $2 matching the sed pattern $1 (N in \1).
sum_of() {
    sed -n "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'
}

# ThreadSanitizer reports of the program that just ran (and of its daemons and clients): printed,
# each one a failed test of that program. Uses run_one's variables failed and note.
tsan_reports() {
    local f n=0 k
    [ -n "$tsan" ] || return 0
    for f in "$tsan"/report.*; do
        [ -e "$f" ] || continue
        k=$(grep -c '^WARNING: ThreadSanitizer' "$f")
        [ "$k" -gt 0 ] || k=1
        n=$((n + k))
        echo "----- ThreadSanitizer: $f"
        cat "$f"
        mv "$f" "$tsan.seen/$name.$(basename "$f")"
    done
    if [ "$n" -gt 0 ]; then
        failed=$((failed + n))
        note="${note:+$note; }$n ThreadSanitizer report(s)"
    fi
}

run_one() {
    local bin=$1 name out rc start secs passed failed planned summary note=""
    name=$(basename "$bin")
    out="$tmp/$name.out"
    echo "=== $name"
    start=$(date +%s.%N)
    timeout -k 10 "$TEST_TIMEOUT" "$bin" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
    passed=$(sum_of 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\.$/\1/p' "$out")
    failed=$(sum_of 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s), listed below:$/\1/p' "$out")
    planned=$(sum_of 's/^\[==========\] Running \([0-9][0-9]*\) test(s)\.$/\1/p' "$out")
    summary=$(grep -c '^\[  PASSED  \] [0-9][0-9]* test(s)\.$' "$out")
    if [ "$summary" = 0 ]; then
        if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
            note="timed out after ${TEST_TIMEOUT}s"
        elif [ "$rc" -gt 128 ]; then
            note="crashed (signal $((rc - 128))) without a summary"
        else
            note="ended with status $rc without a summary"
        fi
        failed=$((failed + 1))
    else
        # tests that never ran (a group setup failed) count as failed
        if [ $((passed + failed)) -lt "$planned" ]; then
            note="$((planned - passed - failed)) test(s) did not run"
            failed=$((planned - passed))
        fi
        if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
            note="exited with status $rc after its tests"
            failed=1
        fi
    fi
    tsan_reports
    echo "=== $name: $passed passed, $failed failed (${secs}s)${note:+; $note}"
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
}

# Unit tests are the programs built from tests/unit; every other program in $build/tests runs
# after them. A test source whose program is missing counts as a failure.
declare -A is_unit=()
unit=()
for src in tests/unit/test_*.c; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .c)
    is_unit[$name]=1
    unit+=("$build/tests/$name")
done
rest=()
for src in tests/integration/test_*.c; do
    [ -e "$src" ] || continue
    rest+=("$build/tests/$(basename "$src" .c)")
done
for bin in "$build"/tests/*; do
    if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
        continue
    fi
    name=$(basename "$bin")
    [ -n "${is_unit[$name]:-}" ] && continue
    [ -e "tests/integration/$name.c" ] && continue
    rest+=("$bin")
done

programs=("${unit[@]}" "${rest[@]}")
if [ -n "${TEST_PROGRAMS:-}" ]; then
    read -ra programs <<< "$TEST_PROGRAMS"
fi
for bin in "${programs[@]}"; do
    if [ -n "${TESTS:-}" ] && [[ " $TESTS " != *" $(basename "$bin") "* ]]; then
        continue
    fi
    if [ ! -x "$bin" ]; then
        echo "=== $(basename "$bin"): not built"
        total_failed=$((total_failed + 1))
        continue
    fi
    run_one "$bin"
done
finish
