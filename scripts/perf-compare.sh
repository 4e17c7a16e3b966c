#!/usr/bin/env bash
# Compares two git revisions in one interleaved run: builds each (CPU only) in a temporary worktree,
# then runs the microbenchmarks and wcstream --file on both, alternating, and prints per-benchmark
# time ratios with their spread (bench/perf_compare.py; docs/perf.md says how to read them).
#   scripts/perf-compare.sh REV_A REV_B [--rounds N] [--corpus FILE] [--filter REGEX] [--min-time S]
# e.g. scripts/perf-compare.sh main HEAD --rounds 5
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if (($# < 2)); then
  sed -n '2,6p' "$0" >&2
  exit 2
fi
rev_a="$1" rev_b="$2"
shift 2
corpus="$top/corpus/kjv.txt"
args=()
while (($#)); do
  case "$1" in
    --corpus) corpus="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

"$top/scripts/install-deps.sh"
[[ -f "$corpus" ]] || bash "$top/scripts/make-corpus.sh" "$top/corpus" >&2
work="$(mktemp -d "${TMPDIR:-/tmp}/wcs-perf-compare.XXXXXX")"
cleanup() {
  for tree in "$work"/a "$work"/b; do
    [[ -d "$tree" ]] && git -C "$top" worktree remove --force "$tree"
  done
  rm -rf "$work"
}
trap cleanup EXIT
# ccache: paths under $work are hashed relative to it, so builds in earlier temporary trees are reused.
command -v ccache >/dev/null && export CMAKE_CXX_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR="$work"

# Builds revision $1 in $work/$2 (the binaries the comparison runs, nothing else).
build_rev() {
  local rev="$1" tree="$work/$2"
  git -C "$top" worktree add --detach -q "$tree" "$rev"
  echo "perf-compare: building $rev ($(git -C "$tree" log -1 --format='%h %s' | cut -c1-70))" >&2
  cmake -S "$tree" -B "$tree/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWCS_CUDA=OFF -DWCS_BUILD_TESTS=OFF >/dev/null
  cmake --build "$tree/build" -j "$(nproc)" --target wcstream wcs-kernels-bench >/dev/null
}
build_rev "$rev_a" a
build_rev "$rev_b" b
python3 "$top/bench/perf_compare.py" --a "$work/a/build" --b "$work/b/build" --label-a "$rev_a" --label-b "$rev_b" \
  --corpus "$corpus" "${args[@]}"
