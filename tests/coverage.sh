#!/usr/bin/env bash
# Line coverage of ptgen's engine and formats (include/ptgen/core, include/ptgen/arch) by the
# test suite, with clang's source-based coverage (llvm-cov):
#
#   bash tests/coverage.sh
#
# Builds ptgen_tests with -fprofile-instr-generate -fcoverage-mapping in build/coverage, runs
# it, replays the committed fuzz corpus (tests/fuzz/corpus) through the fuzz harness built
# without libFuzzer, and reports line coverage per header and in total, for the test suite
# alone and with the corpus. HTML: build/coverage/html/index.html.
#
# Environment: PTGEN_COVERAGE_DIR (default build/coverage), PTGEN_JOBS (default 2),
# PTGEN_COVERAGE_MIN (default 95): exit 1 when the suite's total is below it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=../cmake/ensure-packages.sh
source cmake/ensure-packages.sh
ptgen_ensure_packages "${PTGEN_BASE_PACKAGES[@]}" "${PTGEN_COVERAGE_PACKAGES[@]}"

dir="${PTGEN_COVERAGE_DIR:-build/coverage}"
jobs="${PTGEN_JOBS:-2}"
min="${PTGEN_COVERAGE_MIN:-95}"
cxx=clang++-22
profdata=llvm-profdata-22
cov=llvm-cov-22
flags="-fprofile-instr-generate -fcoverage-mapping"

echo "== building ptgen_tests with coverage in $dir"
cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS="$flags" -DPTGEN_BUILD_TESTS=ON -DPTGEN_BUILD_EXAMPLES=OFF \
    -DPTGEN_BUILD_FUZZERS=OFF -DPTGEN_INSTALL=OFF >/dev/null
cmake --build "$dir" --target ptgen_tests -j "$jobs"

declare -A formats=(
    [x86_64]=ptgen::x86_64::long_mode_4level [aarch64_el1]=ptgen::aarch64::stage1_4k_el1
    [aarch64_el2]=ptgen::aarch64::stage1_4k_el2 [arm]=ptgen::arm::short_descriptor [arm_lpae]=ptgen::arm::long_descriptor
    [aarch64_16k_el1]=ptgen::aarch64::stage1_16k_el1 [aarch64_64k_el1]=ptgen::aarch64::stage1_64k_el1
    [aarch64_4k_52bit_el1]=ptgen::aarch64::stage1_4k_52bit_el1
    [sv32]=ptgen::riscv::sv32 [sv39]=ptgen::riscv::sv39 [sv48]=ptgen::riscv::sv48 [sv57]=ptgen::riscv::sv57
    [sv39_svpbmt]=ptgen::riscv::sv39_svpbmt [sv39_svnapot]=ptgen::riscv::sv39_svnapot
    [x86_64_5level]=ptgen::x86_64::long_mode_5level
    [i386]=ptgen::x86_32::two_level [i386_pae]=ptgen::x86_32::pae
    [loongarch64]=ptgen::loongarch64::la64_4level)
echo "== building the fuzz corpus replayers"
mkdir -p "$dir/replay"
for t in "${!formats[@]}"; do
    if [[ ! "$dir/replay/$t" -nt tests/fuzz/harness.hpp || ! "$dir/replay/$t" -nt include/ptgen/core/engine.hpp ]]; then
        # shellcheck disable=SC2086
        $cxx -std=c++20 -O0 -g $flags -Iinclude -Igenerators/include -Itests \
            "-DPTGEN_FUZZ_FORMAT=${formats[$t]}" tests/fuzz/fuzz_target.cpp \
            tests/fuzz/replay_main.cpp -o "$dir/replay/$t" &
        while (($(jobs -rp | wc -l) >= jobs)); do wait -n; done
    fi
done
wait

rm -rf "$dir/profiles"
mkdir -p "$dir/profiles"
echo "== running ptgen_tests"
LLVM_PROFILE_FILE="$dir/profiles/tests-%p.profraw" "$dir/tests/ptgen_tests" >"$dir/tests.log" 2>&1 ||
    { tail -20 "$dir/tests.log"; echo "ptgen_tests failed"; exit 1; }
tail -2 "$dir/tests.log"
echo "== replaying tests/fuzz/corpus"
for t in "${!formats[@]}"; do
    LLVM_PROFILE_FILE="$dir/profiles/replay-$t.profraw" "$dir/replay/$t" "tests/fuzz/corpus/$t"
done

mapfile -t sources < <(find include/ptgen/core include/ptgen/arch -name '*.hpp' | sort)
objects=("$dir/tests/ptgen_tests")
for t in "${!formats[@]}"; do objects+=(-object "$dir/replay/$t"); done

"$profdata" merge -sparse "$dir"/profiles/tests-*.profraw -o "$dir/tests.profdata"
"$profdata" merge -sparse "$dir"/profiles/*.profraw -o "$dir/all.profdata"

# Line coverage per source line: a line counts once, covered when any instantiation of its
# template (in any binary) ran it. (llvm-cov's own report counts instantiations whose code
# differs, e.g. through `if constexpr`, as separate lines, and compile-time-only ones as missed.)
report() {  # profile, title, [file for the missed lines]
    echo
    echo "== line coverage of include/ptgen/core and include/ptgen/arch: $2"
    "$cov" export -format=lcov "${objects[@]}" -instr-profile="$1" "${sources[@]}" 2>/dev/null |
        awk -v root="$PWD/include/ptgen/" -v missed="${3:-/dev/null}" -F'[:,]' '
            /^SF:/ { file = substr($0, 4); sub(root, "", file); files[file] = 1 }
            /^DA:/ { key = file SUBSEP $2; seen[key] = 1; if ($3 > 0) hit[key] = 1 }
            END {
                printf "0 %-28s %8s %8s %8s\n", "header", "lines", "missed", "cover"
                for (f in files) {
                    lines = 0; covered = 0; list = ""
                    for (key in seen) {
                        split(key, part, SUBSEP)
                        if (part[1] != f) continue
                        ++lines
                        if (key in hit) ++covered
                        else list = list " " part[2]
                    }
                    printf "1 %-28s %8d %8d %7.2f%%\n", f, lines, lines - covered, 100 * covered / lines
                    if (list != "") print f ":" list > missed
                    all += lines; all_covered += covered
                }
                printf "2 %-28s %8d %8d %7.2f%%\n", "TOTAL", all, all - all_covered, 100 * all_covered / all
            }' | sort -k1,1n -k2,2 | cut -c3-
}
report "$dir/tests.profdata" "the test suite (ptgen_tests)" "$dir/missed-lines-tests.txt" |
    tee "$dir/report-tests.txt"
report "$dir/all.profdata" "the test suite and the fuzz corpus replayed" "$dir/missed-lines-all.txt"
"$cov" show "${objects[@]}" -instr-profile="$dir/all.profdata" -format=html \
    -output-dir="$dir/html" "${sources[@]}" >/dev/null 2>&1

total=$(awk '/^TOTAL/ {print $NF}' "$dir/report-tests.txt" | tr -d '%')
echo
echo "test suite line coverage: ${total}% (minimum ${min}%); missed lines: $dir/missed-lines-*.txt;"
echo "HTML (per instantiation): $dir/html/index.html"
awk -v t="$total" -v m="$min" 'BEGIN { exit !(t >= m) }'
