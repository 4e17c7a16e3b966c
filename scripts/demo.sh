#!/usr/bin/env bash
# The tutorial's stateless word count, end to end, on sample reviews: wcs-replay serves them on a free
# loopback port (as tcp_server.py does, faster), wcstream counts them in 1-second batches and prints
# each batch in PySpark's pprint format, then both exit. Extra arguments go to wcstream
# (e.g. --mode stateful --checkpoint /tmp/wcs-ckpt).
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${WCS_BUILD_DIR:-$top/build}"
"$top/scripts/build.sh" >&2
"$top/scripts/make-corpus.sh" >&2

log="$(mktemp)"
trap 'rm -f "$log"; kill "$replay" 2>/dev/null || true' EXIT
"$build/ingest/replay/wcs-replay" --file "$top/corpus/sample_reviews.json" --host 127.0.0.1 --port 0 \
  --delay 0.05 --clients 1 --wait 30 2>"$log" &
replay=$!
port=""
for _ in $(seq 100); do
  port="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$log" >&2; echo "demo: wcs-replay did not start" >&2; exit 1; }
"$build/host/cli/wcstream" --host 127.0.0.1 --port "$port" --batch 1 --exit-on-eof "$@"
wait "$replay"
