#!/usr/bin/env bash
# Runs one benchmark scenario against a release build of aviary, then the same scenario
# against the peer, N aiogram bots in one Python process, and prints both rows and their ratio
# (see BENCHMARKS.md):
#
#   scripts/bench.sh latency | saturation | idle [--webhook --bots 10000] | reload | startup | remote
#
# Extra arguments go to the scenario (`--peer none` measures aviary alone; remote has no peer); the result is
# printed and written as JSON to .build/benchmarks/<scenario>.json.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 1 ] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

./scripts/bootstrap.sh
./scripts/peer-env.sh
echo "bench: building aviary and aviary-bench (release)"
swift build -c release --product aviary
swift build -c release --product aviary-bench
# Thousands of bots hold thousands of SQLite files and sockets.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec .build/release/aviary-bench "$@" --aviary .build/release/aviary
