# shellcheck shell=bash
# Sourced by tests/run-all.sh and examples/run-demo.sh.
#
#   ptgen_ensure_packages pkg...
#
# Installs the Debian packages of the list that are not installed yet. Calls apt-get
# only when something is missing, so a machine that has everything needs neither
# root nor the network.

# The packages every build of ptgen needs (tests, demo, the three presets).
PTGEN_BASE_PACKAGES=(
    g++ cmake ninja-build
    catch2 librapidcheck-dev libboost-dev
    clang-22 lld-22 libclang-rt-22-dev
    # benchmarks (benchmarks/, built by the gcc and bench presets): Google Benchmark
    libbenchmark-dev
    # QEMU test kernels (examples/qemu.cmake): libc++ headers for the cross builds, the emulators
    libc++-22-dev qemu-system-misc qemu-system-arm qemu-system-x86
    # the generator and decoder (generators/tools): TOML and command-line parsers; rustc checks
    # the Rust the generator writes
    libtomlplusplus-dev libcli11-dev rustc
    # llvm-objcopy-22 reads the sections of every target's ELF (the generator and cross tests)
    llvm-22
    # the older supported compilers: every test translation unit is built and run with them too
    clang-14 clang-19
)

# tests/coverage.sh: llvm-cov and llvm-profdata for clang's source-based coverage. (The fuzz
# targets of the asan preset need libFuzzer's runtime: libclang-rt-22-dev, above.)
PTGEN_COVERAGE_PACKAGES=(llvm-22)

ptgen_ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    echo "== installing missing packages: ${missing[*]}"
    local sudo=()
    if ((EUID != 0)); then
        if command -v sudo >/dev/null; then
            sudo=(sudo)
        else
            echo "error: missing packages (${missing[*]}) and not root; install them and retry" >&2
            return 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}
