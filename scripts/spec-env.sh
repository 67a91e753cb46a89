#!/usr/bin/env bash
# Makes the virtual environment the protocol documents are checked in: .build/spec-venv with
# openapi-spec-validator 0.9.0 from PyPI. Safe to run again: it does nothing when that version
# is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build/spec-venv
version=0.9.0

installed="$venv/lib/python3*/site-packages/openapi_spec_validator-$version.dist-info"
if [ -x "$venv/bin/openapi-spec-validator" ] && compgen -G "$installed" >/dev/null; then
    exit 0
fi
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    echo "spec-env: installing python3-venv"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi
echo "spec-env: installing openapi-spec-validator $version into $venv"
python3 -m venv --clear "$venv"
"$venv/bin/python3" -m pip install --quiet --disable-pip-version-check "openapi-spec-validator==$version"
