#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz/<name>_fuzz.cpp) for a bounded time, with AddressSanitizer
# and UndefinedBehaviorSanitizer, in the clang build scripts/sanitize.sh also uses (build-asan/).
# Each starts from its committed seeds (tests/fuzz/corpus/<name>/) and what earlier runs found
# (build-asan/fuzz-corpus/<name>/). A finding fails the run and leaves the input that triggers it in
# build-asan/fuzz-findings/; replay it with `build-asan/tests/fuzz/fuzz_<name> <file>`.
# Usage: scripts/fuzz.sh [--seconds N] [--target NAME]
#   --seconds N  time for all targets together (default 60), shared equally; e.g. --seconds 3600
#   --target NAME  only fuzz_<NAME>
# Exits 77 (CTest: skipped) with the reason when clang, libFuzzer or an AVX2 CPU is missing.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=60
only=""
while (($#)); do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --target) only="$2"; shift 2 ;;
    *) echo "usage: scripts/fuzz.sh [--seconds N] [--target NAME]" >&2; exit 2 ;;
  esac
done
# shellcheck source=scripts/sanitize.sh
source "$top/scripts/sanitize.sh"

wcs_find_clang
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' >"$probe/f.cpp"
if ! "$clang" -fsanitize=fuzzer "$probe/f.cpp" -o "$probe/f" 2>/dev/null; then
  echo "skipped: $clang cannot link libFuzzer (bash scripts/install-deps.sh installs libclang-rt-14-dev)"
  exit 77
fi

names=()
for src in "$top"/tests/fuzz/*_fuzz.cpp; do
  name="$(basename "$src" _fuzz.cpp)"
  [ -z "$only" ] || [ "$name" = "$only" ] && names+=("$name")
done
((${#names[@]})) || { echo "fuzz: no target named $only" >&2; exit 2; }
per=$((seconds / ${#names[@]}))
((per >= 1)) || per=1

wcs_configure_asan
cmake --build "$asan_dir" -j "$(nproc)" --target "${names[@]/#/fuzz_}"
mkdir -p "$asan_dir/fuzz-findings"
status=0
for name in "${names[@]}"; do
  corpus="$asan_dir/fuzz-corpus/$name"
  log="$asan_dir/fuzz-findings/$name.log"
  mkdir -p "$corpus"
  # -timeout: an input taking over 10 s is a finding (a hang); -rss_limit_mb: so is unbounded memory.
  if "$asan_dir/tests/fuzz/fuzz_$name" "$corpus" "$top/tests/fuzz/corpus/$name" -max_total_time="$per" \
      -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$asan_dir/fuzz-findings/$name-" >"$log" 2>&1; then
    echo "fuzz_$name: ${per} s, no finding ($(grep -o 'Done [0-9]* runs' "$log" | tail -1), corpus $(find "$corpus" -type f | wc -l) inputs)"
  else
    status=1
    echo "fuzz_$name: FINDING (log $log)"
    tail -40 "$log"
  fi
done
exit "$status"
