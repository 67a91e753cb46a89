#!/usr/bin/env bash
# Makes the virtual environment of the S3-compatible server the backup tests start on loopback:
# .build/moto-venv with moto[server] from PyPI (its `moto_server`). Safe to run again: it does
# nothing when that moto is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build/moto-venv
version=5.2.6

installed="$venv/lib/python3*/site-packages/moto-$version.dist-info"
if [ -x "$venv/bin/moto_server" ] && compgen -G "$installed" >/dev/null; then
    exit 0
fi
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    echo "moto-env: installing python3-venv"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi
echo "moto-env: installing moto[server] $version into $venv"
python3 -m venv --clear "$venv"
"$venv/bin/python3" -m pip install --quiet --disable-pip-version-check "moto[server]==$version"
