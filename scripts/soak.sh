#!/usr/bin/env bash
# The crash soak of docs/reliability.md (not part of scripts/test.sh; about 10 minutes): 10 million
# numbered lines streamed to `wcstream --mode stateful --batch 1 --checkpoint DIR` (a checkpoint every
# 10 s, the default; write-ahead log on by default) while the engine is SIGKILLed and restarted 6
# times, a torn record is appended to its log after each kill, and the server drops the connection 6
# times; then every token is checked to count at most once, losses to sit only at the kills within the
# socket buffers' size, and every word's total to match the lines that arrived. Extra arguments go to
# tests/engine/seq_soak.py (e.g. --lines 1000000).
# usage: scripts/soak.sh [BUILD_DIR] [seq_soak.py options]
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$top/build}"
shift || true
exec python3 "$top/tests/engine/seq_soak.py" "$build/host/cli/wcstream" "$build/tests/engine/wcs-checkpoint-dump" \
  --lines 10000000 --kills 6 --drops 6 --rate 40000 --batch 1 --checkpoint-interval 10 --torn "$@"
