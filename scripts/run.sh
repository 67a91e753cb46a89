#!/usr/bin/env bash
# Builds Aviary in release mode and runs it on the shipped bots.d (or the folder you pass
# with --bots-dir). Extra arguments go to `aviary run`.
#
# With no admin token configured (AVIARY_ADMIN_TOKEN unset and no --config), it makes one in
# data/admin.token (0600) on first run and uses it, so the dashboard can be signed in to.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh
swift build -c release --product aviary

if [ -z "${AVIARY_ADMIN_TOKEN:-}" ] && [[ " $* " != *" --config "* ]]; then
    token_file=data/admin.token
    if [ ! -s "$token_file" ]; then
        mkdir -p -m 0700 data
        (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "$token_file")
    fi
    AVIARY_ADMIN_TOKEN=$(cat "$token_file")
    export AVIARY_ADMIN_TOKEN
    echo "run.sh: sign in to the dashboard with the admin token in $token_file"
fi
exec .build/release/aviary run "$@"
