#!/usr/bin/env bash
# Measures line coverage of our own code (Sources/) by the whole suite, the real `aviary`
# processes of the end-to-end tests included, and prints a table per module and the total.
# A figure to read, never a gate: it builds separately in .build/coverage (a cold build).
#
#   ./scripts/coverage.sh              # the table
#   ./scripts/coverage.sh --files      # and one line per source file
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh --tests

scratch=.build/coverage
echo "coverage: building (debug, instrumented) in $scratch"
swift build --build-tests --enable-code-coverage --scratch-path "$scratch" 2>&1 | grep -E "error:" || true
[ -x "$scratch/debug/aviary" ] || { echo "coverage: the build failed" >&2; exit 1; }
profiles=$(realpath "$scratch/debug")/codecov
rm -rf "$profiles"

echo "coverage: running the suite"
# SwiftPM points LLVM_PROFILE_FILE into $profiles; the end-to-end tests pass it on to every
# `aviary` process they start, whose counts merge into one profile per binary.
AVIARY_BIN="$PWD/$scratch/debug/aviary" \
    swift test --skip-build --enable-code-coverage --scratch-path "$scratch" >"$scratch/test.log" 2>&1 \
    || { tail -n 40 "$scratch/test.log"; echo "coverage: the suite failed" >&2; exit 1; }

# The toolchain's own LLVM tools read its profiles; a system LLVM may be another version.
toolchain=$(dirname "$(realpath "$(command -v swift)")")
llvm_profdata="$toolchain/llvm-profdata"
llvm_cov="$toolchain/llvm-cov"
"$llvm_profdata" merge -sparse "$profiles"/*.profraw -o "$scratch/suite.profdata"
echo "coverage: $(ls "$profiles"/*.profraw | wc -l) profiles merged"

tests_binary="$scratch/debug/aviaryPackageTests.xctest"
report=$("$llvm_cov" report "$tests_binary" -object "$scratch/debug/aviary" \
    -instr-profile "$scratch/suite.profdata" -ignore-filename-regex '(\.build|Tests|Benchmarks)/' \
    -use-color=false)

if [ "${1:-}" = "--files" ]; then
    echo "$report"
fi
# Columns of `llvm-cov report`: file (relative to Sources/), regions, missed, cover,
# functions, missed, executed, lines, missed, cover, …; lines are summed per module.
echo "$report" | awk '
    $1 ~ /\.swift$/ {
        split($1, parts, "/"); module = parts[1]
        lines[module] += $8; missed[module] += $9; all += $8; allMissed += $9
    }
    END {
        printf "%-10s %8s %8s %8s\n", "module", "lines", "missed", "covered"
        for (m in lines) printf "%-10s %8d %8d %7.1f%%\n", m, lines[m], missed[m], 100 * (lines[m] - missed[m]) / lines[m]
        printf "%-10s %8d %8d %7.1f%%\n", "total", all, allMissed, 100 * (all - allMissed) / all
    }'
