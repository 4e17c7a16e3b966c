#!/usr/bin/env bash
# The performance regression gate: counts the instructions of fixed workloads under Callgrind and fails
# when one costs more than 5% above bench/baseline/callgrind.json (see docs/perf.md).
#   scripts/perf-gate.sh [--build DIR] [--update] [--runs N]
# --update rewrites the baseline with this tree's counts (commit it, saying why the cost moved).
# CTest runs it as the test perf_gate; the build directory defaults to build/ (or $WCS_BUILD_DIR).
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# A --build given on the command line comes after the default, and the last one wins.
exec python3 "$top/bench/perf_gate.py" --build "${WCS_BUILD_DIR:-$top/build}" "$@"
