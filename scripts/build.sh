#!/usr/bin/env bash
# Installs what is missing, then configures and builds everything into build/ (or $WCS_BUILD_DIR).
# The CUDA backend is built whenever nvcc is found; extra CMake flags come from $WCS_CMAKE_ARGS
# (e.g. WCS_CMAKE_ARGS=-DWCS_CUDA=OFF for a CPU-only build).
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$top/scripts/install-deps.sh"
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH="$PATH:/usr/local/cuda/bin"
fi
build="${WCS_BUILD_DIR:-$top/build}"
# shellcheck disable=SC2086  # WCS_CMAKE_ARGS is a list of flags
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release ${WCS_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$(nproc)"
