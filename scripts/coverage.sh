#!/usr/bin/env bash
# The coverage gate: reads the profiles of the last instrumented run of the suite (the one
# `./scripts/test.sh` makes, the real `aviary` processes of the end-to-end tests included),
# prints the line coverage of `Sources/` per module and in total, and fails below the minimum.
#
#   ./scripts/coverage.sh              # the table and the gate (run ./scripts/test.sh first)
#   ./scripts/coverage.sh --files      # and one line per source file
#
# COVERAGE_MINIMUM (default 90) is the least total line coverage, in percent, that passes.
set -euo pipefail
cd "$(dirname "$0")/.."

minimum=${COVERAGE_MINIMUM:-90}
build=.build/debug
profiles=$build/codecov
shopt -s nullglob
raw=("$profiles"/*.profraw)
shopt -u nullglob
if [ "${#raw[@]}" -eq 0 ] || [ ! -x "$build/aviary" ] || [ ! -e "$build/aviaryPackageTests.xctest" ]; then
    echo "coverage: no profiles in $profiles; run ./scripts/test.sh first (it builds and runs the suite instrumented)" >&2
    exit 1
fi

# The toolchain's own LLVM tools read its profiles; a system LLVM may be another version.
toolchain=$(dirname "$(realpath "$(command -v swift)")")
merged=$build/suite.profdata
"$toolchain/llvm-profdata" merge -sparse "${raw[@]}" -o "$merged"
report=$("$toolchain/llvm-cov" report "$build/aviaryPackageTests.xctest" -object "$build/aviary" \
    -instr-profile "$merged" -ignore-filename-regex '(\.build|Tests|Benchmarks|Fuzz)/' -use-color=false)
echo "coverage: ${#raw[@]} profiles merged (the suite and every aviary process it started)"

if [ "${1:-}" = "--files" ]; then
    echo "$report"
fi
# Columns of `llvm-cov report`: file (relative to Sources/), regions, missed, cover,
# functions, missed, executed, lines, missed, cover, …; lines are summed per module.
echo "$report" | awk -v minimum="$minimum" '
    $1 ~ /\.swift$/ {
        split($1, parts, "/"); module = parts[1]
        lines[module] += $8; missed[module] += $9; all += $8; allMissed += $9
    }
    END {
        if (all == 0) { print "coverage: the report names no source file" > "/dev/stderr"; exit 1 }
        printf "%-10s %8s %8s %8s\n", "module", "lines", "missed", "covered"
        for (m in lines) printf "%-10s %8d %8d %7.1f%%\n", m, lines[m], missed[m], 100 * (lines[m] - missed[m]) / lines[m]
        total = 100 * (all - allMissed) / all
        printf "%-10s %8d %8d %7.1f%%\n", "total", all, allMissed, total
        if (total < minimum) {
            printf "coverage: %.1f%% of lines in Sources/ is below the minimum of %s%%\n", total, minimum > "/dev/stderr"
            exit 1
        }
        printf "coverage: %.1f%% of lines, at least %s%% required: passed\n", total, minimum
    }'
