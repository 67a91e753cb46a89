#!/usr/bin/env bash
# Builds Aviary in release mode and runs it on the shipped bots.d (or the folder you pass
# with --bots-dir). Extra arguments go to `aviary run`.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh
swift build -c release --product aviary
exec .build/release/aviary run "$@"
