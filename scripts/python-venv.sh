#!/usr/bin/env bash
# Makes .build/<name>-venv holding one pinned PyPI requirement, for a tool the tests or the
# benchmarks run (moto-env.sh, spec-env.sh and peer-env.sh call it). Safe to run again: it does
# nothing when that version is already installed, which the package's metadata says (importing
# some packages, aiogram, takes seconds).
#
# Usage: scripts/python-venv.sh NAME DISTRIBUTION VERSION [REQUIREMENT]
#   DISTRIBUTION is the name of its .dist-info folder (openapi_spec_validator); REQUIREMENT what
#   pip installs, extras included (moto[server]), by default DISTRIBUTION.
set -euo pipefail
cd "$(dirname "$0")/.."

name=$1
distribution=$2
version=$3
requirement=${4:-$distribution}
venv=.build/$name-venv

installed="$venv/lib/python3*/site-packages/$distribution-$version.dist-info"
if [ -x "$venv/bin/python3" ] && compgen -G "$installed" >/dev/null; then
    exit 0
fi
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    echo "$name-env: installing python3-venv"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi
echo "$name-env: installing $requirement $version into $venv"
python3 -m venv --clear "$venv"
"$venv/bin/python3" -m pip install --quiet --disable-pip-version-check "$requirement==$version"
