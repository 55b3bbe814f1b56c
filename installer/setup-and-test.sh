#!/usr/bin/env bash
# One command for a fresh Debian bookworm machine: install what is missing, build, run every test.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
installer/bootstrap.sh
cmake --preset release
cmake --build --preset release
ctest --preset release -j2
