#!/usr/bin/env bash
# examples/common/qemu-run.sh: boots one test kernel for CTest and examples/run-demo.sh.
#
#   qemu-run.sh <pass-status> <timeout-seconds> <qemu-system-...> <qemu args...>
#
# Prints the guest's output. Exits 0 only when QEMU exited with <pass-status> (the value the
# kernel's exit device maps a pass to) AND the guest printed the verdict line
# "ptgen-kernel: PASS"; a kernel that cannot report its status (LoongArch's power-off carries
# none) is judged by the verdict line alone, with pass-status 0.
set -u

pass_status="$1"
limit="$2"
shift 2

out="$(mktemp)"
trap 'rm -f "$out"' EXIT

timeout --kill-after=5 "$limit" "$@" </dev/null >"$out" 2>&1
status=$?
tr -d '\r' <"$out"

if ((status == 124 || status == 137)); then
    echo "qemu-run: timed out after ${limit}s" >&2
    exit 1
fi
if ! tr -d '\r' <"$out" | grep -qx 'ptgen-kernel: PASS'; then
    echo "qemu-run: no 'ptgen-kernel: PASS' verdict (QEMU exit status $status)" >&2
    exit 1
fi
if ((status != pass_status)); then
    echo "qemu-run: QEMU exit status $status, expected $pass_status" >&2
    exit 1
fi
echo "qemu-run: PASS (QEMU exit status $status)"
