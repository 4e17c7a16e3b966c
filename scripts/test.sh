#!/usr/bin/env bash
# Builds everything and runs every test. GPU tests skip with a message when no CUDA device is present.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$top/scripts/build.sh"
ctest --test-dir "${WCS_BUILD_DIR:-$top/build}" --output-on-failure -j "$(nproc)" --timeout 900
