#!/usr/bin/env bash
# Several tapegrad processes at once on one checkpoint directory and one CSV.
# First, two runs on one checkpoint: while one trains (train --resume DIR --save DIR), a second
# that would save into DIR or resume from it is refused at once (exit 1, naming DIR and that
# another run holds it), and eval still reads DIR; once the first has stopped, the second runs.
# Then round after round: writers (train --resume DIR --save DIR --csv FILE) beside readers
# (eval --checkpoint DIR). Nothing may be lost: each writer trains or is refused at its start,
# at least one trains, every reader succeeds; after each round the checkpoint loads, is at
# least one epoch further than before the round, and the CSV is one writer's whole file; no
# temporary file is left at the end.
#   tests/cli/concurrent_writers.sh TAPEGRAD [ROUNDS] [WRITERS] [READERS]
set -euo pipefail
tapegrad=$1
rounds=${2:-15}
writers=${3:-3}
readers=${4:-2}
work=$(mktemp -d)
long=
trap '[ -z "$long" ] || kill "$long" 2>/dev/null; rm -rf "$work"' EXIT
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

# refused ARGS...: tapegrad ARGS is refused at its start, naming the checkpoint and the other run
refused() {
  local code=0
  timeout 60 "$tapegrad" "$@" > "$work/refused.out" 2> "$work/refused.err" || code=$?
  [ "$code" -eq 1 ] || fail "$* while another run trains: exit $code, expected 1"
  grep -q "another training run is using the checkpoint in '$ckpt' (it holds '$ckpt/checkpoint.lock')" \
    "$work/refused.err" || fail "$*: the refusal does not name the checkpoint"
  [ "$(wc -l < "$work/refused.err")" -eq 1 ] || fail "$*: more than one line on stderr"
  rm "$work/refused.err"
}
set -m  # job control: the background run takes SIGINT as a foreground one would
"$tapegrad" train --resume "$ckpt" --save "$ckpt" --epochs 100000 --train-size 5000 --batch-size 1 \
  --csv "$work/long.csv" --progress never > "$work/long.out" 2> "$work/long.txt" &
long=$!
for _ in $(seq 200); do  # until its first epoch is in its CSV, at most 20 s
  [ -f "$work/long.csv" ] && [ "$(wc -l < "$work/long.csv")" -ge 2 ] && break
  sleep 0.1
done
refused train --resume "$ckpt" --save "$ckpt" --epochs 1
refused train --save "$ckpt" --data moons --epochs 1
refused train --resume "$ckpt" --save "$work/elsewhere" --epochs 1
[ ! -e "$work/elsewhere" ] || fail "a refused run left its --save directory"
"$tapegrad" eval --checkpoint "$ckpt" > /dev/null 2> "$work/r0.err" || fail "eval cannot read a checkpoint a run holds"
kill -INT "$long"
code=0
wait "$long" || code=$?
long=
set +m
[ "$code" -eq 130 ] || fail "the long run, interrupted: exit $code, expected 130"
"$tapegrad" train --resume "$ckpt" --save "$ckpt" --epochs 1 --train-size 200 --batch-size 10 > /dev/null \
  2> "$work/w0.err" || fail "the second run, after the first ended"  # and the rounds' small epochs again
rm "$work/long.txt"
echo "while a run trains, a second on its checkpoint is refused at once, naming it; then it runs"

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
  trained=0
  for j in $(seq "$writers"); do  # each writer trains, or is refused at its start
    code=0
    wait "${pids[$((j - 1))]}" || code=$?
    if [ "$code" -eq 0 ] && [ ! -s "$work/w$j.err" ]; then
      trained=$((trained + 1))
    elif [ "$code" -ne 1 ] || ! grep -q "another training run is using the checkpoint in '$ckpt'" "$work/w$j.err"; then
      fail "writer $j: exit $code"
    fi
    rm "$work/w$j.err"
  done
  [ "$trained" -ge 1 ] || fail "no writer trained"
  for p in "${pids[@]:$writers}"; do wait "$p" || fail "a reader failed"; done
  for f in "$work"/*.err; do [ ! -s "$f" ] || fail "$f is not empty"; done
  "$tapegrad" eval --checkpoint "$ckpt" > /dev/null 2> "$work/final.err" || fail "the checkpoint does not load"
  rm "$work/final.err"
  after=$(epochs)
  [ "$after" -gt "$before" ] || fail "the checkpoint went from epoch $before to $after"
  # The CSV: its header, then rows of 8 fields with rising epochs, each line whole.
  awk -F, 'NR == 1 { if ($1 != "epoch") exit 1; next }
           NF != 8 || $1 <= last { exit 1 } { last = $1 }' "$csv" || fail "the CSV is damaged: $(cat "$csv")"
  [ "$(tail -c 1 "$csv" | od -An -c | tr -d ' ')" = '\n' ] || fail "the CSV does not end with a whole line"
done
leftovers=$(find "$work" -name '*.tmp' | wc -l)
[ "$leftovers" -eq 0 ] || fail "temporary files left: $(find "$work" -name '*.tmp')"
echo "$rounds rounds of $writers writers and $readers readers: nothing lost, checkpoint at epoch $(epochs)"
