#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what is missing, builds (failing on any warning
# in our own code), then runs the whole suite, including the end-to-end tests that drive the
# real `aviary` binary against the fake Bot API on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh --tests

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "test: building (debug, with tests)"
set +e
swift build --build-tests >"$log" 2>&1
status=$?
set -e
own_diagnostics=$(grep -E "/(Sources|Tests|Benchmarks)/[^ ]*: (warning|error):" "$log" | grep -v "/.build/" | sort -u || true)
if [ "$status" -ne 0 ]; then
    tail -n 80 "$log"
    echo "test: the build failed" >&2
    exit 1
fi
if [ -n "$own_diagnostics" ]; then
    echo "$own_diagnostics"
    echo "test: the build has warnings in our own code; fix them" >&2
    exit 1
fi
[ -x .build/debug/aviary ] || { echo "test: .build/debug/aviary was not built" >&2; exit 1; }

echo "test: running the suite"
AVIARY_BIN="$PWD/.build/debug/aviary" swift test --skip-build "$@"

# 15 s of each libFuzzer target (splitter, HTML scanner, update decoder, manifest); its own build.
./scripts/fuzz.sh

# A few seconds of the benchmark tool at small N, so it never rots; its figures are printed,
# never asserted (the machines are shared). It fails only if a reply is lost.
echo "test: benchmark smoke run"
.build/debug/aviary-bench smoke --aviary .build/debug/aviary --json .build/benchmarks/smoke.json
