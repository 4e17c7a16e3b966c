#!/usr/bin/env bash
# The host/ folders are layers: a folder includes only folders listed before it in host/CMakeLists.txt
# (so nothing includes host/cli but host/cli, and no two folders include each other), and nothing under
# ingest/ or kernels/ includes host/. Prints every include that breaks this; exits 1 if any does.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
read -r -a layers <<<"$(sed -n 's/^foreach(area \(.*\))$/\1/p' "$top/host/CMakeLists.txt")"
[ "${#layers[@]}" -gt 1 ] || { echo "check-layers: no layer list in host/CMakeLists.txt" >&2; exit 2; }
status=0
allowed=""
for layer in "${layers[@]}"; do
  allowed="$allowed $layer"
  [ -d "$top/host/$layer" ] || continue
  while IFS=: read -r file line include; do
    used="$(sed -n 's|.*#include "host/\([^/]*\)/.*|\1|p' <<<"$include")"
    case " $allowed " in *" $used "*) ;; *) echo "host/$layer may not include host/$used: ${file#"$top"/}:$line"; status=1 ;; esac
  done < <(grep -rn '#include "host/' "$top/host/$layer" || true)
done
if grep -rn '#include "host/' "$top/ingest" "$top/kernels"; then
  echo "ingest/ and kernels/ may not include host/"
  status=1
fi
exit $status
