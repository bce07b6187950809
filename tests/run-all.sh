#!/usr/bin/env bash
# Every test of ptgen: installs what is missing (Debian 12), then for the presets
# gcc, asan and tsan (ThreadSanitizer, the threaded tests only): configure, build, ctest. Run
# from anywhere:
#
#   bash tests/run-all.sh
#
# The clang preset (clang++-22, Release) is not in the default set: clang 22 builds every test
# translation unit in the asan preset already (same warnings, -Werror), the QEMU kernels run the
# engine as clang 22 -O2 compiles it, and building the whole suite a second time with the same
# compiler was a sixth of a CI run. PTGEN_PRESETS="gcc clang asan" brings it back.
#
# PTGEN_PRESETS="gcc" bash tests/run-all.sh runs a subset; PTGEN_JOBS sets -j (default 2);
# PTGEN_COMPAT_COMPILERS="clang++-14 clang++-19" (the default) the older compilers whose build
# of every test translation unit follows ("" skips them).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=../cmake/ensure-packages.sh
source cmake/ensure-packages.sh

ptgen_ensure_packages "${PTGEN_BASE_PACKAGES[@]}"

read -r -a presets <<<"${PTGEN_PRESETS:-gcc asan tsan}"
jobs="${PTGEN_JOBS:-2}"

summary=()
failed=0
total_start=$SECONDS

for preset in "${presets[@]}"; do
    echo
    echo "================ preset ${preset} ================"
    start=$SECONDS
    status="passed"
    if ! cmake --preset "$preset"; then
        status="FAILED (configure)"
    elif ! cmake --build --preset "$preset" -j "$jobs"; then
        status="FAILED (build)"
    elif ! ctest --preset "$preset" -j "$jobs" --output-on-failure; then
        status="FAILED (tests)"
    fi
    secs=$((SECONDS - start))
    [[ "$status" == passed ]] || failed=1
    tests=""
    if [[ -f "build/${preset}/CTestTestfile.cmake" ]]; then
        tests="$(ctest --test-dir "build/${preset}" -N 2>/dev/null | sed -n 's/^Total Tests: //p')"
    fi
    summary+=("$(printf '%-6s %-20s %4d tests %5ds' "$preset" "$status" "${tests:-0}" "$secs")")
done

# The older compilers Debian 12 ships: every test translation unit (the static_assert ones
# included) is built with each, and the unit tests run (tests/compat.sh).
read -r -a compat <<<"${PTGEN_COMPAT_COMPILERS-clang++-14 clang++-19}"
for cxx in "${compat[@]}"; do
    echo
    echo "================ compat ${cxx} ================"
    start=$SECONDS
    status="passed"
    if ! bash tests/compat.sh "$cxx" "$jobs"; then
        status="FAILED"
        failed=1
    fi
    summary+=("$(printf '%-6s %-20s %4s       %5ds' "$cxx" "$status" "" "$((SECONDS - start))")")
done

echo
echo "================ summary ================"
printf '%s\n' "${summary[@]}"
echo "total $((SECONDS - total_start))s"
if ((failed)); then
    echo "SOME PRESETS FAILED"
    exit 1
fi
echo "ALL PASSED"
