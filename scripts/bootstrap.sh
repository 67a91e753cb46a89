#!/usr/bin/env bash
# Installs what Aviary builds against (the SQLite headers) when it is missing; with --tests,
# also what the conformance and browser tests run: promtool (Debian's prometheus), headless
# Chromium and its driver (Debian's chromium and chromium-driver), systemd-analyze for the unit in
# deploy/ (Debian's systemd), schemathesis and Selenium (PyPI), and the benchmark peer's virtual
# environment (aiogram, scripts/peer-env.sh), and the S3-compatible server the backup tests start
# on loopback (moto[server], scripts/moto-env.sh), and the Matrix homeserver the Matrix tests
# start on loopback (Synapse, scripts/synapse-env.sh).
# Safe to run again: it installs nothing that is already there.
set -euo pipefail

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

for_tests=false
[ "${1:-}" = "--tests" ] && for_tests=true

needed=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || needed+=(libsqlite3-dev)
if $for_tests; then
    command -v promtool >/dev/null 2>&1 || needed+=(prometheus)
    [ -x /usr/bin/chromium ] || needed+=(chromium)
    [ -x /usr/bin/chromedriver ] || needed+=(chromium-driver)
    command -v systemd-analyze >/dev/null 2>&1 || needed+=(systemd)
    # The unit's ExecReload= runs /bin/kill, which `systemd-analyze verify` checks is there.
    [ -x /bin/kill ] || needed+=(procps)
fi
if ((${#needed[@]})); then
    echo "bootstrap: installing ${needed[*]}"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
fi
if $for_tests && ! command -v schemathesis >/dev/null 2>&1; then
    echo "bootstrap: installing schemathesis"
    python3 -m pip install --quiet --disable-pip-version-check schemathesis==4.32.5
    command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
fi
# Selenium 4.51: 4.52 needs a certifi newer than the package mirror holds.
if $for_tests && ! python3 -c 'import selenium' >/dev/null 2>&1; then
    echo "bootstrap: installing selenium"
    python3 -m pip install --quiet --disable-pip-version-check selenium==4.51.0
fi
if $for_tests; then "$(dirname "$0")/peer-env.sh"; fi
if $for_tests; then "$(dirname "$0")/moto-env.sh"; fi
if $for_tests; then "$(dirname "$0")/synapse-env.sh"; fi
# openapi-spec-validator, in .build/spec-venv, checks both OpenAPI documents (scripts/spec-env.sh).
if $for_tests; then "$(dirname "$0")/spec-env.sh"; fi
command -v swift >/dev/null || { echo "bootstrap: swift is not on PATH (expected Swift 6.3 at /opt/swift)" >&2; exit 1; }
