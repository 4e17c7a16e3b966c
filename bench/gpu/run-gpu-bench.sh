#!/usr/bin/env bash
# The one command that produces the GPU figures (on a machine with an NVIDIA GPU, compute capability
# 8.0+): builds the corpora and the benchmark, then runs it on KJV, the reviews and 1 GiB of synthetic
# text. Extra arguments go to wcs-gpu-bench (e.g. --chunk-mb 64).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${BUILD_DIR:-$root/build-gpu-bench}"
[[ -f "$root/corpus/kjv.txt" && -f "$root/corpus/reviews.json" ]] || "$root/scripts/make-corpus.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWCS_CUDA=ON -DWCS_BUILD_TESTS=OFF
cmake --build "$build" --target wcs-gpu-bench
exec "$build/bench/gpu/wcs-gpu-bench" "$@" --synthetic 1024 "$root/corpus/kjv.txt" "$root/corpus/reviews.json"
