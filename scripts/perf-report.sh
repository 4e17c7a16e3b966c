#!/usr/bin/env bash
# The performance report for people (docs/perf.md): microbenchmarks and end-to-end throughput with
# `wc -w` and the textbook counter in the same run, written as results.json, results.md and PNG plots.
#   scripts/perf-report.sh [--quick] [--build DIR] [--out DIR]     (default out: BUILD/perf-report)
# Installs matplotlib into a virtual environment of its own, makes the corpora (make-corpus.sh) and
# builds what is missing. --quick takes a few minutes; the full report takes longer.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${WCS_BUILD_DIR:-$top/build}"
args=()
while (($#)); do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

venv="${WCS_PERF_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/wcstream-perf-venv}"
if ! "$venv/bin/python" -c "import matplotlib" 2>/dev/null; then
  echo "perf-report: installing matplotlib into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q matplotlib >&2
fi

bash "$top/scripts/make-corpus.sh" "$top/corpus" >&2
for binary in host/cli/wcstream ingest/replay/wcs-replay bench/wcs-reference-count bench/wcs-kernels-bench; do
  if [[ ! -x "$build/$binary" ]]; then
    WCS_BUILD_DIR="$build" bash "$top/scripts/build.sh"
    break
  fi
done
exec "$venv/bin/python" "$top/bench/perf_report.py" --build "$build" --corpus-dir "$top/corpus" "${args[@]}"
