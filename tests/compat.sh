#!/usr/bin/env bash
# Builds every test translation unit (the static_assert ones included, the threaded ones of
# tests/smp) and the freestanding check with one of the older supported compilers, then runs
# the unit tests:
#
#   bash tests/compat.sh clang++-14 [jobs]
#
# In build/compat-<compiler> (Debug, -O0: the constant evaluation is the cost, not codegen).
# The RapidCheck properties run 10 cases each here (RC_PARAMS; the presets run the default
# 100): at -O0 their 100 cases took 4.5 of the 5 minutes of a compat run with 15 formats, and
# what this script proves is that the older compiler builds and runs the code, which 10 cases
# of every property do as well.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cxx=$1
jobs=${2:-2}
dir="build/compat-${cxx}"
cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DPTGEN_BUILD_EXAMPLES=OFF -DPTGEN_BUILD_TESTS=ON >/dev/null
cmake --build "$dir" -j "$jobs" --target ptgen_tests ptgen_smp_tests ptgen_freestanding
RC_PARAMS="${RC_PARAMS:-max_success=10}" "$dir/tests/ptgen_tests" --order rand --rng-seed 1 | tail -n 3
"$dir/tests/ptgen_smp_tests" | tail -n 2
