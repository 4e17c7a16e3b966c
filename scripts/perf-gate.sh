#!/usr/bin/env bash
# The performance regression gate: counts the instructions of fixed workloads under Callgrind and fails
# when one costs more than 5% above bench/baseline/callgrind.json (see docs/perf.md).
#   scripts/perf-gate.sh [--build DIR] [--update] [--runs N]
# --update rewrites the baseline with this tree's counts (commit it, saying why the cost moved).
# CTest runs it as the test perf_gate; the build directory defaults to build/ (or $WCS_BUILD_DIR).
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
exec python3 "$top/bench/perf_gate.py" --build "$build" "${args[@]}"
