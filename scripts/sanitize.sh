#!/usr/bin/env bash
# Sanitizer runs, one command. Needs clang (scripts/install-deps.sh installs it) and an AVX2 CPU.
#  - AddressSanitizer + UndefinedBehaviorSanitizer: a CPU-only clang build in build-asan/ runs every
#    CTest test, unit and end-to-end (the end-to-end drivers run the instrumented binaries).
#  - ThreadSanitizer: a build in build-tsan/ runs the ingest/worker hand-off tests (receiver, chunk
#    ring, file source). Their threads are ours: Debian's oneTBB is not instrumented, so TSan reports
#    races inside any TBB-scheduled code, which is why the multi-threaded engine tests are not run here.
# Usage: scripts/sanitize.sh [--quick]
#   --quick  ASan+UBSan on the subset CI runs (tokenizer, reducer, receiver, replay reader, checkpoint, WAL,
#            the end-to-end stream and bad-input tests, the fuzz seeds); no TSan, to keep CI short.
# Build directories: $WCS_ASAN_DIR (build-asan), $WCS_TSAN_DIR (build-tsan). Exits 77 when clang or
# AVX2 is missing. scripts/fuzz.sh shares build-asan (sourcing this file for wcs_configure_asan).
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
asan_dir="${WCS_ASAN_DIR:-$top/build-asan}"
tsan_dir="${WCS_TSAN_DIR:-$top/build-tsan}"

# Sets $clang, or exits 77 with the reason.
wcs_find_clang() {
  clang="${WCS_CLANG:-$(command -v clang++-14 || command -v clang++ || true)}"
  if [ -z "$clang" ]; then
    echo "skipped: clang++ not found (bash scripts/install-deps.sh installs clang-14)"
    exit 77
  fi
  # clang rejects the kernels' AVX2 helpers in functions without the AVX2 target, so these builds
  # enable AVX2 for the whole program; every instruction set is still run through WCS_SIMD/supported().
  if ! grep -qw avx2 /proc/cpuinfo || ! grep -qw bmi2 /proc/cpuinfo; then
    echo "skipped: the clang sanitizer builds need an AVX2 CPU"
    exit 77
  fi
}

# cmake -S top -B $1 with clang and the sanitizer flags $2 (CPU-only, no benchmarks).
wcs_configure_clang() {
  local dir="$1" flags="$2" launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  "$top/scripts/install-deps.sh"
  cmake -S "$top" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$clang" \
    "${launcher[@]}" -DWCS_CUDA=OFF -DWCS_BUILD_BENCH=OFF -DWCS_FUZZ="$3" \
    -DCMAKE_CXX_FLAGS="$flags -fno-omit-frame-pointer -mavx2 -mbmi -mbmi2 -mpopcnt" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
}

# ASan + UBSan, with libFuzzer's coverage so the fuzz targets link against the same libraries.
wcs_configure_asan() {
  wcs_find_clang
  wcs_configure_clang "$asan_dir" "-fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link" ON
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"
export WCS_SANITIZED=1  # the end-to-end tests skip their memory bounds: shadow memory is not ours

if [ "${BASH_SOURCE[0]}" != "$0" ]; then return 0; fi  # sourced by scripts/fuzz.sh

quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) echo "usage: scripts/sanitize.sh [--quick]" >&2; exit 2 ;;
esac
jobs="$(nproc)"

wcs_configure_asan
if ((quick)); then
  units=(tokenize_test cpu_reduce_test receiver_test file_source_test replay_test engine_checkpoint_test wal_test)
  cmake --build "$asan_dir" -j "$jobs" --target "${units[@]}" wcstream wcs-replay fuzz_tokenize fuzz_replay_json fuzz_checkpoint
  for t in "${units[@]}"; do
    echo "== asan+ubsan: $t"
    (cd "$asan_dir" && "$(find . -name "$t" -type f -perm -u+x | head -1)" --gtest_brief=1)
  done
  ctest --test-dir "$asan_dir" --output-on-failure -j "$jobs" -R '^(e2e_replay_to_engine|e2e_bad_input|fuzz_.*_seeds)$'
else
  cmake --build "$asan_dir" -j "$jobs"
  echo "== asan+ubsan: every CTest test"
  ctest --test-dir "$asan_dir" --output-on-failure -j "$jobs" --timeout 1800
fi

if ((quick)); then
  echo "sanitize: clean (quick: ASan+UBSan subset)"
  exit 0
fi
wcs_configure_clang "$tsan_dir" "-fsanitize=thread" OFF
cmake --build "$tsan_dir" -j "$jobs" --target receiver_test file_source_test
for t in receiver_test file_source_test; do
  echo "== tsan: $t"
  "$tsan_dir/tests/ingest/$t" --gtest_brief=1
done
echo "sanitize: clean"
