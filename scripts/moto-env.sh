#!/usr/bin/env bash
# Makes the virtual environment of the S3-compatible server the backup tests start on loopback:
# .build/moto-venv with moto[server] from PyPI (its `moto_server`). Safe to run again.
exec "$(dirname "$0")/python-venv.sh" moto moto 5.2.6 "moto[server]"
