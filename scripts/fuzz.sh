#!/bin/bash
# Runs every libFuzzer target of a fuzz build (make fuzz builds them) for FUZZ_SECONDS each,
# starting from its committed seeds (tests/fuzz/<target>/) and its dictionary when there is one
# (tests/fuzz/<target>.dict). New inputs go to $FUZZ_BUILD/corpus/<target>/, crash artefacts to
# $FUZZ_BUILD/artifacts/<target>/: nothing under tests/ is written. Exits 1 when any target
# crashed or failed, after running all of them; the last line sums up.
#
#   FUZZ_BUILD=build/fuzz FUZZ_SECONDS=20 scripts/fuzz.sh [target...]
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
FUZZ_BUILD=${FUZZ_BUILD:-build/fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}

if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for src in tests/fuzz/fuzz_*.c; do
        name=$(basename "$src" .c)
        targets+=("${name#fuzz_}")
    done
fi

# leaks are bugs here too; a crash stops the target and leaves its input behind
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ulimit -c 0

failed=()
for t in "${targets[@]}"; do
    bin="$FUZZ_BUILD/fuzz_$t"
    seeds="tests/fuzz/$t"
    if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
        echo "fuzz: $t: no $bin or no $seeds" >&2
        failed+=("$t")
        continue
    fi
    corpus="$FUZZ_BUILD/corpus/$t"
    artifacts="$FUZZ_BUILD/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    dict=()
    [ -f "tests/fuzz/$t.dict" ] && dict=("-dict=tests/fuzz/$t.dict")
    echo "== fuzz $t: ${FUZZ_SECONDS} s"
    log="$FUZZ_BUILD/fuzz-$t.log"
    if "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" "$corpus" "$seeds" \
        >"$log" 2>&1; then
        grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$log" |
            sed "s/^/  /"
    else
        tail -n 60 "$log"
        echo "fuzz: $t FAILED; input in $artifacts/, log in $log" >&2
        failed+=("$t")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: ${#targets[@]} target(s), failed: ${failed[*]}"
    exit 1
fi
echo "fuzz: ${#targets[@]} target(s), none failed"
