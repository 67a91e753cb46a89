#!/usr/bin/env bash
# Makes the virtual environment the protocol documents are checked in: .build/spec-venv with
# openapi-spec-validator from PyPI. Safe to run again.
exec "$(dirname "$0")/python-venv.sh" spec openapi_spec_validator 0.9.0 openapi-spec-validator
