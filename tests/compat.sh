#!/usr/bin/env bash
# Builds every test translation unit (the static_assert ones included) and the freestanding
# check with one of the older supported compilers, then runs the unit tests:
#
#   bash tests/compat.sh clang++-14 [jobs]
#
# In build/compat-<compiler> (Debug, -O0: the constant evaluation is the cost, not codegen).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cxx=$1
jobs=${2:-2}
dir="build/compat-${cxx}"
cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DPTGEN_BUILD_EXAMPLES=OFF -DPTGEN_BUILD_TESTS=ON >/dev/null
cmake --build "$dir" -j "$jobs" --target ptgen_tests ptgen_freestanding
"$dir/tests/ptgen_tests" --order rand --rng-seed 1 | tail -n 3
