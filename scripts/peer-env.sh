#!/usr/bin/env bash
# Makes the virtual environment the benchmark's peer runs in: .build/peer-venv with aiogram
# 3.31.0 from PyPI (see BENCHMARKS.md, "The peer"). Safe to run again: it does nothing when
# that aiogram is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build/peer-venv
version=3.31.0

# Importing aiogram takes seconds (it builds its pydantic models); its metadata says enough.
installed="$venv/lib/python3*/site-packages/aiogram-$version.dist-info"
if [ -x "$venv/bin/python3" ] && compgen -G "$installed" >/dev/null; then
    exit 0
fi
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    echo "peer-env: installing python3-venv"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi
echo "peer-env: installing aiogram $version into $venv"
python3 -m venv --clear "$venv"
"$venv/bin/python3" -m pip install --quiet --disable-pip-version-check "aiogram==$version"
