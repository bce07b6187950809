#!/usr/bin/env bash
# Runs one fuzz target for a bounded time (the fuzz.<name> CTest tests):
#   run-ci.sh <fuzzer> <seconds> <work-dir> <corpus-dir>
# The committed corpus is read, never written: new inputs go to <work-dir>/corpus, crash
# inputs to <work-dir>/artifacts.
set -euo pipefail
fuzzer="$1" seconds="$2" work="$3" corpus="$4"
mkdir -p "$work/corpus" "$work/artifacts"
exec "$fuzzer" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=1024 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$corpus"
