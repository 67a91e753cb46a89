#!/usr/bin/env bash
# Installs the system packages Aviary builds against, when they are missing.
# Safe to run again: it installs nothing that is already there.
set -euo pipefail

needed=()
for package in libsqlite3-dev; do
    dpkg -s "$package" >/dev/null 2>&1 || needed+=("$package")
done
if ((${#needed[@]})); then
    echo "bootstrap: installing ${needed[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${needed[@]}"
fi
command -v swift >/dev/null || { echo "bootstrap: swift is not on PATH (expected Swift 6.3 at /opt/swift)" >&2; exit 1; }
