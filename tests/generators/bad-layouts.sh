#!/usr/bin/env bash
# Each bad layout file is refused: exit status 1, one error line naming what is wrong (the
# file's "# expect: <regex>" line), and nothing written.
#   bad-layouts.sh <ptgen-gen> <dir of bad layouts> <work dir>
set -uo pipefail
gen=$1 dir=$2 work=$3
status=0
for layout in "$dir"/*.toml; do
    name=$(basename "$layout" .toml)
    expect=$(sed -n 's/^# expect: //p' "$layout")
    out="$work/$name"
    rm -rf "$out"
    err=$("$gen" "$layout" -o "$out" 2>&1 >/dev/null)
    code=$?
    lines=$(grep -c . <<<"$err")
    if [[ $code -ne 1 ]]; then echo "FAIL $name: exit status $code, not 1"; status=1; fi
    if [[ $lines -ne 1 ]]; then echo "FAIL $name: $lines lines of error, not 1"; status=1; fi
    if ! grep -qE -- "$expect" <<<"$err"; then echo "FAIL $name: '$err' does not match '$expect'"; status=1; fi
    if [[ -e "$out" && -n "$(ls -A "$out")" ]]; then echo "FAIL $name: files were written"; status=1; fi
    echo "refused $name: $err"
done
exit $status
