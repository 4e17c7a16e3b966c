#!/usr/bin/env bash
# Builds the corpora for benchmarks and demos in DIR (default: corpus/ at the repository top, which git
# ignores). Idempotent: a file that already exists with the right size is kept.
#   kjv.txt             the King James Bible (Debian's bible-kjv), one verse per line, repeated to ~40 MB
#   reviews.json        ~40 MB of synthetic review JSON lines (gen_reviews.py, fixed seed)
#   sample_reviews.json 60 short English-like reviews for demos (fixed seed)
#   longtail.json       ~10 MB of synthetic reviews over a long-tail vocabulary (a million words, Zipf 0.9)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${1:-$here/../corpus}"
target_bytes=40000000
sample_lines=60

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
tmp="$(mktemp -d "$dir/.make-corpus.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }
lines_of() { if [[ -f "$1" ]]; then wc -l <"$1"; else echo 0; fi; }
# Files are written under $tmp and renamed, so an interrupted run never leaves a plausible half file.
publish() { mv "$1" "$2"; echo "make-corpus: made $2 ($(size_of "$2") bytes, $(lines_of "$2") lines)"; }
# Standard input to file $1 in 8 MiB writes. ext4 (seen on Linux 6.18) then caches the file in 2 MiB
# folios, as it caches a file read back from disk; written in cat's 128 KiB pieces it stays in small
# folios, and mapping it costs the engine about 3 ms more per 41 MB (docs/performance.md).
write_large() { dd of="$1" bs=8M iflag=fullblock status=none; }
kept() { echo "make-corpus: kept $1 ($(size_of "$1") bytes)"; }

# kjv.txt: `bible` prints "Ge1:1 In the beginning ..."; drop the reference, keep the verse text.
kjv="$dir/kjv.txt"
if ! command -v bible >/dev/null; then
  echo "make-corpus: 'bible' not found; install Debian's bible-kjv" >&2
  exit 1
fi
bible -f gen1:1-rev22:21 | sed -E 's/^[1-3]?[A-Za-z]+[0-9]+:[0-9]+ //' >"$tmp/one.txt"
verses=$(lines_of "$tmp/one.txt")
if [[ $verses -ne 31102 ]] || grep -qE '^[1-3]?[A-Za-z]+[0-9]+:[0-9]+ ' "$tmp/one.txt"; then
  echo "make-corpus: unexpected output from 'bible' ($verses verses, want 31102)" >&2
  exit 1
fi
one=$(size_of "$tmp/one.txt")
copies=$(((target_bytes + one - 1) / one))
if [[ $(size_of "$kjv") -eq $((copies * one)) ]]; then
  kept "$kjv"
else
  for ((i = 0; i < copies; i++)); do cat "$tmp/one.txt"; done | write_large "$tmp/kjv.txt"
  publish "$tmp/kjv.txt" "$kjv"
fi

# reviews.json: the generator stops at the first review that reaches the target, so a complete file
# is at least the target and at most one review (a few KB) beyond it.
reviews="$dir/reviews.json"
size=$(size_of "$reviews")
if [[ $size -ge $target_bytes && $size -lt $((target_bytes + 100000)) ]]; then
  kept "$reviews"
else
  python3 "$here/gen_reviews.py" --mb "$((target_bytes / 1000000))" --seed 42 --out - 2>/dev/null | write_large "$tmp/reviews.json"
  publish "$tmp/reviews.json" "$reviews"
fi

# longtail.json: most words rare, so most of a batch's words are new to it (the dictionary-bound case).
longtail="$dir/longtail.json"
size=$(size_of "$longtail")
if [[ $size -ge $((target_bytes / 4)) && $size -lt $((target_bytes / 4 + 100000)) ]]; then
  kept "$longtail"
else
  python3 "$here/gen_reviews.py" --mb "$((target_bytes / 4000000))" --seed 43 --vocab 1000000 --zipf 0.9 --out - 2>/dev/null |
    write_large "$tmp/longtail.json"
  publish "$tmp/longtail.json" "$longtail"
fi

# sample_reviews.json: common words only (no pseudo-words, no non-ASCII) so it reads like English.
sample="$dir/sample_reviews.json"
if [[ $(lines_of "$sample") -eq $sample_lines ]]; then
  kept "$sample"
else
  python3 "$here/gen_reviews.py" --lines "$sample_lines" --seed 7 --vocab 300 --mean-words 40 --non-ascii 0 \
    --out "$tmp/sample_reviews.json" 2>/dev/null
  publish "$tmp/sample_reviews.json" "$sample"
fi
