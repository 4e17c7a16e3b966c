#!/usr/bin/env bash
# compare-outputs.sh OLD_WCSTREAM NEW_WCSTREAM FILE... : runs both binaries over each file in every mode
# (stateless, stateful, window with and without the inverse, keep-zero, all three at once), with 1 and
# 2 threads, printing pprint and writing --output, and reports any byte that differs. Then resumes a
# checkpoint written by OLD with NEW, and with OLD, and compares those too. For refactors that must not
# change output. Batches are cut by line count at fixed times, so runs are deterministic.
set -euo pipefail
old="$1" new="$2"
shift 2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0 runs=0
common=(--batch-lines 25000 --start-ms 1700000000000 --batch 10 --window 30 --slide 20 --num 25 --log-level off)
modes=("stateless" "stateful" "window" "window --no-inverse" "window --keep-zero" "stateless,stateful,window")

# run BINARY TAG FILE THREADS MODE [CHECKPOINT]: stdout and the --output tree under $work/TAG.
run() {
  local bin="$1" tag="$2" file="$3" threads="$4" mode="$5" ckpt="${6:-$work/$2.ckpt}"
  rm -rf "$work/$tag"
  mkdir -p "$work/$tag"
  [ -n "${6:-}" ] || rm -rf "$ckpt"
  # shellcheck disable=SC2086  # MODE holds a flag after the mode name
  "$bin" --file "$file" --threads "$threads" --mode $mode --checkpoint "$ckpt" --output "$work/$tag/out/wc" \
    "${common[@]}" >"$work/$tag/stdout"
}

same() {
  runs=$((runs + 1))
  if ! diff -r "$work/old" "$work/new" >/dev/null; then
    echo "DIFFERS: $*"
    fail=1
  fi
}

for file in "$@"; do
  for threads in 1 2; do
    for mode in "${modes[@]}"; do
      run "$old" old "$file" "$threads" "$mode"
      run "$new" new "$file" "$threads" "$mode"
      same "$file, $threads threads, --mode $mode"
    done
  done
  # A checkpoint OLD wrote, resumed by each binary over the same file again.
  for mode in "stateful" "window" "stateless,stateful,window"; do
    run "$old" first "$file" 2 "$mode"
    rm -rf "$work/a.ckpt" "$work/b.ckpt"
    cp -r "$work/first.ckpt" "$work/a.ckpt"
    cp -r "$work/first.ckpt" "$work/b.ckpt"
    run "$old" old "$file" 2 "$mode" "$work/a.ckpt"
    run "$new" new "$file" 2 "$mode" "$work/b.ckpt"
    same "$file, resumed from OLD's checkpoint, --mode $mode"
  done
done
echo "compare-outputs: $runs comparisons, $([ $fail = 0 ] && echo "all identical" || echo "some differ")"
exit $fail
