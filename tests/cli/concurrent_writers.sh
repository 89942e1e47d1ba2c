#!/usr/bin/env bash
# Several tapegrad processes at once on one checkpoint directory and one CSV, round after round:
# writers (train --resume DIR --save DIR --csv FILE) beside readers (eval --checkpoint DIR).
# Nothing may be lost: every process succeeds with nothing on stderr; after each round the
# checkpoint loads, is at least one epoch further than before the round (the last save wins,
# and every writer started from the previous round's), and the CSV is one writer's whole file;
# no temporary file is left at the end.
#   tests/cli/concurrent_writers.sh TAPEGRAD [ROUNDS] [WRITERS] [READERS]
set -euo pipefail
tapegrad=$1
rounds=${2:-15}
writers=${3:-3}
readers=${4:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ckpt=$work/ckpt
csv=$work/epochs.csv
round=0
fail() {
  echo "round $round: $*" >&2
  tail -n +1 "$work"/*.err >&2 || true
  exit 1
}
epochs() { grep -o '"epochs": "[0-9]*"' "$ckpt/checkpoint.json" | grep -o '[0-9]*'; }

"$tapegrad" train --data moons --train-size 200 --test-size 100 --epochs 1 --save "$ckpt" --csv "$csv" > /dev/null
for round in $(seq "$rounds"); do
  before=$(epochs)
  pids=()
  for j in $(seq "$writers"); do
    "$tapegrad" train --resume "$ckpt" --epochs 1 --save "$ckpt" --csv "$csv" > "$work/w$j.out" 2> "$work/w$j.err" &
    pids+=($!)
  done
  for j in $(seq "$readers"); do
    "$tapegrad" eval --checkpoint "$ckpt" > "$work/r$j.out" 2> "$work/r$j.err" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || fail "a process failed"; done
  for f in "$work"/*.err; do [ ! -s "$f" ] || fail "$f is not empty"; done
  "$tapegrad" eval --checkpoint "$ckpt" > /dev/null 2> "$work/final.err" || fail "the checkpoint does not load"
  rm "$work/final.err"
  after=$(epochs)
  [ "$after" -gt "$before" ] || fail "the checkpoint went from epoch $before to $after"
  # The CSV: its header, then rows of 7 fields with rising epochs, each line whole.
  awk -F, 'NR == 1 { if ($1 != "epoch") exit 1; next }
           NF != 7 || $1 <= last { exit 1 } { last = $1 }' "$csv" || fail "the CSV is damaged: $(cat "$csv")"
  [ "$(tail -c 1 "$csv" | od -An -c | tr -d ' ')" = '\n' ] || fail "the CSV does not end with a whole line"
done
leftovers=$(find "$work" -name '*.tmp' | wc -l)
[ "$leftovers" -eq 0 ] || fail "temporary files left: $(find "$work" -name '*.tmp')"
echo "$rounds rounds of $writers writers and $readers readers: nothing lost, checkpoint at epoch $(epochs)"
