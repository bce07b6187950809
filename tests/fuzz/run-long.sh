#!/usr/bin/env bash
# Long fuzzing runs of every tests/fuzz target (or some), then a summary of executions and
# findings:
#
#   bash tests/fuzz/run-long.sh [total-seconds] [parallel-jobs]
#   bash tests/fuzz/run-long.sh --summary     # the summary of the last run again
#
# total-seconds (default 3600) is shared between the targets; parallel-jobs (default 1)
# targets run at once, each under `nice -n 19`. A target that finds a failure is restarted
# for the rest of its time (libFuzzer stops at the first one), so one run reports all it found.
#
# Environment:
#   PTGEN_FUZZ_TARGETS  targets to run (default: all seven)
#   PTGEN_FUZZ_OUT      where builds, corpora, logs and crash inputs go (default build/fuzz-long)
#   PTGEN_FUZZ_FLAGS    extra libFuzzer flags
#
# The corpora in $PTGEN_FUZZ_OUT/corpus/<target> grow from run to run (seeded from
# tests/fuzz/corpus/<target>); `-merge=1` them into tests/fuzz/corpus to keep what they found.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../../cmake/ensure-packages.sh
source cmake/ensure-packages.sh
ptgen_ensure_packages "${PTGEN_BASE_PACKAGES[@]}"

summary_only=0
if [[ "${1:-}" == --summary ]]; then
    summary_only=1
    shift
fi
total="${1:-3600}"
jobs="${2:-1}"
read -r -a targets <<<"${PTGEN_FUZZ_TARGETS:-x86_64 aarch64_el1 aarch64_el2 arm sv39 sv48 loongarch64}"
out="${PTGEN_FUZZ_OUT:-build/fuzz-long}"
per_target=$((total / ${#targets[@]}))
mkdir -p "$out"/{bin,corpus,logs,artifacts}
out="$(cd "$out" && pwd)"

summary() {
    echo
    echo "================ fuzzing summary ================"
    printf '%-12s %12s %10s %8s %8s %9s\n' target executions seconds exec/s corpus findings
    local t log runs secs findings corpus all_runs=0 all_secs=0 all_findings=0
    for t in "${targets[@]}"; do
        log="$out/logs/$t.log"
        [[ -f "$log" ]] || continue
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{s += $1} END {print s + 0}')
        secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
        ((secs > 0)) || secs=1
        findings=$(find "$out/artifacts/$t" -type f | wc -l)
        corpus=$(find "$out/corpus/$t" -type f | wc -l)
        printf '%-12s %12d %10d %8d %8d %9d\n' "$t" "$runs" "$secs" $((runs / secs)) "$corpus" "$findings"
        all_runs=$((all_runs + runs))
        all_secs=$((all_secs + secs))
        all_findings=$((all_findings + findings))
    done
    echo "total: $all_runs executions in ${all_secs}s of fuzzing, $all_findings findings"
    if ((all_findings)); then
        echo "crash inputs:"
        find "$out/artifacts" -type f
        return 1
    fi
}
if ((summary_only)); then
    summary
    exit
fi

echo "== building the fuzzers in $out/build"
cmake -S . -B "$out/build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-22 -DCMAKE_BUILD_TYPE=Release \
    -DPTGEN_BUILD_TESTS=ON -DPTGEN_BUILD_FUZZERS=ON -DPTGEN_BUILD_EXAMPLES=OFF >/dev/null
for t in "${targets[@]}"; do
    nice -n 19 cmake --build "$out/build" --target "fuzz_$t" -j "$jobs" >/dev/null
    # a private copy: a rebuild during the run does not touch the running binary
    cp "$out/build/tests/fuzz/fuzz_$t" "$out/bin/fuzz_$t"
done

fuzz_one() {
    local t="$1" seconds="$2"
    local corpus="$out/corpus/$t" log="$out/logs/$t.log" arts="$out/artifacts/$t"
    mkdir -p "$corpus" "$arts"
    cp -n tests/fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
    : >"$log"
    local end=$((SECONDS + seconds)) left
    while left=$((end - SECONDS)); ((left > 5)); do
        # shellcheck disable=SC2086
        ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            nice -n 19 "$out/bin/fuzz_$t" -max_total_time="$left" -timeout=30 -rss_limit_mb=2048 \
            -max_len=1024 -print_final_stats=1 -artifact_prefix="$arts/" \
            ${PTGEN_FUZZ_FLAGS:-} "$corpus" >>"$log" 2>&1 || echo "== fuzzer exited with $?" >>"$log"
    done
}

echo "== fuzzing ${targets[*]}: ${per_target}s each, $jobs at a time (logs in $out/logs)"
start=$SECONDS
running=0
for t in "${targets[@]}"; do
    fuzz_one "$t" "$per_target" &
    running=$((running + 1))
    if ((running >= jobs)); then
        wait -n
        running=$((running - 1))
    fi
done
wait

echo "fuzzed for $((SECONDS - start))s of wall time"
summary
