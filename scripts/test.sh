#!/usr/bin/env bash
# Builds everything and runs every test. GPU tests skip with a message when no CUDA device is present.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$top/scripts/build.sh"
ctest --test-dir "${WCS_BUILD_DIR:-$top/build}" --output-on-failure -j "$(nproc)" --timeout 900

# The Python package (python/, docs/python.md): pip builds and installs it into a venv under the build
# directory, then pytest runs its tests, Spark's included. The venv holds the build tools, so the
# package builds without isolation (nothing downloaded per build).
build="$(cd "${WCS_BUILD_DIR:-$top/build}" && pwd)"
venv="$build/python-venv"
"$top/scripts/install-python-deps.sh" "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-build-isolation \
  -C build-dir="$build/python-wheel/{wheel_tag}" "$top"
WCS_BUILD_DIR="$build" "$venv/bin/python" -m pytest -q -p no:cacheprovider "$top/tests/python"
