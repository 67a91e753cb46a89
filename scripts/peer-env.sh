#!/usr/bin/env bash
# Makes the virtual environment the benchmark's peer runs in: .build/peer-venv with aiogram
# 3.31.0 from PyPI (see BENCHMARKS.md, "The peer"). Safe to run again.
exec "$(dirname "$0")/python-venv.sh" peer aiogram 3.31.0
