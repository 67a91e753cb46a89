#!/usr/bin/env bash
# Checks deploy/aviary.service as systemd reads it: `systemd-analyze verify` (unknown keys,
# bad values, an ExecStart= that is not executable), with the unit's /usr/local/bin/aviary
# replaced by the binary given (default .build/debug/aviary), then `systemd-analyze security`
# offline: the hardening must keep the exposure level at 2.0 or below (0 is best, 10 worst).
# Fails on any warning. Needs Debian's systemd package (scripts/bootstrap.sh --tests).
set -euo pipefail
cd "$(dirname "$0")/.."

binary=$(realpath "${1:-.build/debug/aviary}")
[ -x "$binary" ] || { echo "check-unit: no executable $binary; build first" >&2; exit 1; }
command -v systemd-analyze >/dev/null || { echo "check-unit: systemd-analyze is missing (apt-get install systemd)" >&2; exit 1; }

folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
sed "s#/usr/local/bin/aviary#$binary#g" deploy/aviary.service >"$folder/aviary.service"

echo "check-unit: systemd-analyze verify deploy/aviary.service"
if ! output=$(systemd-analyze verify "$folder/aviary.service" 2>&1) || [ -n "$output" ]; then
    echo "$output"
    echo "check-unit: deploy/aviary.service does not verify cleanly" >&2
    exit 1
fi
echo "check-unit: systemd-analyze security (exposure at most 2.0)"
if ! output=$(systemd-analyze security --offline=yes --threshold=20 "$folder/aviary.service" 2>&1); then
    echo "$output" | grep -v "^✓"
    echo "check-unit: deploy/aviary.service lost hardening (exposure above 2.0)" >&2
    exit 1
fi
echo "$output" | tail -n 1
