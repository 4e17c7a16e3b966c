#!/usr/bin/env bash
# The one command for the first machine with an NVIDIA GPU (compute capability 8.0+): builds a Release
# tree with the CUDA backend, runs the device tests (the pinned upload path among them), the GPU bench
# with every batch table compared against the CPU backend, and wcstream --backend cuda against
# --backend cpu on the same input, then prints a short report. Exit 0 only when everything passed.
# Without a device it says so in one line and exits 1. Build dir: $WCS_BUILD_DIR (default build-gpu/);
# extra arguments go to wcs-gpu-bench (e.g. --chunk-mb 64).
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! ls /dev/nvidia[0-9]* /dev/dxg >/dev/null 2>&1; then
  echo "gpu-check: no NVIDIA device here (no /dev/nvidia0): nothing was run" >&2
  exit 1
fi
build="${WCS_BUILD_DIR:-$top/build-gpu}"
log="$build/gpu-check"
WCS_BUILD_DIR="$build" WCS_CMAKE_ARGS="-DWCS_CUDA=ON ${WCS_CMAKE_ARGS:-}" "$top/scripts/build.sh"
mkdir -p "$log"
if ! device="$("$build/bench/gpu/wcs-gpu-bench" --probe)"; then
  echo "gpu-check: $device" >&2
  exit 1
fi
[[ -f "$top/corpus/kjv.txt" && -f "$top/corpus/reviews.json" ]] || "$top/scripts/make-corpus.sh" >/dev/null

status=0
tests="passed"
if ! ctest --test-dir "$build" -L gpu -V >"$log/ctest.txt" 2>&1; then
  tests="FAILED (see $log/ctest.txt)"
  status=1
fi
grep -q "NOT RUN" "$log/ctest.txt" && { tests="$tests, some SKIPPED (see $log/ctest.txt)"; status=1; }

bench_ok=yes
"$build/bench/gpu/wcs-gpu-bench" "$@" --synthetic 1024 "$top/corpus/kjv.txt" "$top/corpus/reviews.json" \
  >"$log/bench.txt" 2>&1 || { bench_ok=no; status=1; }

# The whole engine: every mode and --output, byte for byte the same on both backends.
e2e="identical"
for backend in cpu cuda; do
  rm -rf "${log:?}/$backend" && mkdir -p "$log/$backend"
  "$build/wcstream" --backend "$backend" --file "$top/corpus/kjv.txt" --batch-lines 100000 --batch 1 --start-ms 1000 \
    --mode stateless,stateful,window --window 3 --slide 1 --checkpoint "$log/$backend/checkpoint" --num 20 \
    --output "$log/$backend/out/batch" >"$log/$backend/stdout" 2>"$log/$backend/stderr" || e2e="FAILED (see $log/$backend/stderr)"
done
if [[ "$e2e" == identical ]] && ! { diff -q "$log/cpu/stdout" "$log/cuda/stdout" && diff -rq "$log/cpu/out" "$log/cuda/out"; } >/dev/null; then
  e2e="DIFFERENT (diff -r $log/cpu $log/cuda)"
fi
[[ "$e2e" == identical ]] || status=1

echo "== gpu-check report =="
echo "device:            $device"
echo "device tests:      $tests"
echo "wcstream cuda/cpu: $e2e (KJV, stateless+stateful+window, pprint and --output)"
echo "bench (best of the passes; H2D/kernel/D2H from a profiled pass; full output: $log/bench.txt):"
grep '^summary:' "$log/bench.txt" | sed 's/^summary: /  /' || true
[[ "$bench_ok" == yes ]] || echo "  bench FAILED or a table differed: $(grep -m1 'error\|equal.*no' "$log/bench.txt" || echo see the log)"
exit "$status"
