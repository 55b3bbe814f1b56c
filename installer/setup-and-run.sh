#!/usr/bin/env bash
# One command for a fresh Debian bookworm machine: install what is missing, build, and run the
# default session — in the workbench window when there is a display, else headless through
# espalier-cli, which prints its result table.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
installer/bootstrap.sh
cmake --preset release
cmake --build --preset release
recipe=resources/recipes/default.json
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec build/release/app/espalier "$recipe"
else
    exec build/release/app/espalier-cli run "$recipe" --out runs/default
fi
