#!/usr/bin/env bash
# The ptgen demo: installs what is missing (Debian 12), builds the hosted demo with
# the gcc preset and runs it. Run from anywhere:
#
#   bash examples/run-demo.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=../cmake/ensure-packages.sh
source cmake/ensure-packages.sh

ptgen_ensure_packages "${PTGEN_BASE_PACKAGES[@]}"

jobs="${PTGEN_JOBS:-2}"

echo "== configure (preset gcc)"
cmake --preset gcc >/dev/null
echo "== build ptgen_demo"
cmake --build --preset gcc -j "$jobs" --target ptgen_demo
echo "== run"
./build/gcc/examples/hosted/ptgen_demo
