#!/usr/bin/env bash
# Builds Aviary in release mode and runs it on the shipped bots.d (or the folder you pass
# with --bots-dir). Extra arguments go to `aviary run`.
#
# With no admin token configured (AVIARY_ADMIN_TOKEN unset and no api.admin_token_file), the
# host makes one in <data-dir>/admin.token (0600) on its first run and logs where it is.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh
swift build -c release --product aviary

exec .build/release/aviary run "$@"
