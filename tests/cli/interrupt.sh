#!/usr/bin/env bash
# Ctrl-C (SIGINT) during `tapegrad train`: the run stops at a safe point, exits 130, says which
# epoch the saved state is, and leaves the CSV and the checkpoint whole: the checkpoint loads,
# its epoch is the CSV's last row, and training resumes from it.
#   tests/cli/interrupt.sh TAPEGRAD
set -euo pipefail
tapegrad=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# Job control on: a background job then gets SIGINT as a foreground one would (without it,
# bash starts `cmd &` with SIGINT ignored, and tapegrad keeps it ignored).
set -m
# Epochs of a fraction of a second each (5000 one-example steps), far more than will run.
"$tapegrad" train --data moons --train-size 5000 --test-size 100 --batch-size 1 --epochs 10000 \
  --csv "$dir/run.csv" --save "$dir/ck" --progress never >"$dir/out" 2>"$dir/err" &
pid=$!
for _ in $(seq 200); do  # until epoch 2 is in the CSV (the header and two rows), at most 20 s
  [ -f "$dir/run.csv" ] && [ "$(wc -l <"$dir/run.csv")" -ge 3 ] && break
  sleep 0.1
done
kill -INT "$pid"
code=0
wait "$pid" || code=$?
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$dir/out"; echo "--- stderr"; cat "$dir/err"; exit 1; }
[ "$code" -eq 130 ] || fail "exit $code, expected 130"
grep -q "interrupted in epoch [0-9]*" "$dir/err" || fail "no 'interrupted in epoch' on stderr"
last=$(tail -n 1 "$dir/run.csv" | cut -d, -f1)
grep -q "the saved state is after epoch $last\b" "$dir/err" || fail "stderr does not name epoch $last, the CSV's last"
# the CSV: the header and whole rows 1..last, nothing after
[ "$(head -n 1 "$dir/run.csv")" = "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,examples_per_second,learning_rate" ] ||
  fail "the CSV's header"
[ "$(wc -l <"$dir/run.csv")" -eq $((last + 1)) ] || fail "the CSV holds $(wc -l <"$dir/run.csv") lines for $last epochs"
awk -F, 'NR > 1 && (NF != 8 || $1 != NR - 1) { exit 1 }' "$dir/run.csv" || fail "a CSV row is not whole"
grep -q "\"epochs\": \"$last\"" "$dir/ck/checkpoint.json" || fail "the checkpoint's epochs note is not $last"
"$tapegrad" eval --checkpoint "$dir/ck" >/dev/null || fail "the checkpoint does not load"
"$tapegrad" train --resume "$dir/ck" --epochs 1 --progress never --csv "$dir/run.csv" >"$dir/out2" ||
  fail "training does not resume from the checkpoint"
grep -q "resumed from .* after epoch $last" "$dir/out2" || fail "resumed at another epoch"
echo "ok: interrupted after epoch $last, exit 130, CSV and checkpoint whole, resumed"

# run ARGS...: tapegrad train in the background, SIGINT sent once the CSV has a row; sets code
run() {
  rm -f "$dir/run2.csv" "$dir/out" "$dir/err"  # the last run's err would end the wait below at once
  "$@" >"$dir/out" 2>"$dir/err" &
  pid=$!
  for _ in $(seq 200); do
    [ -s "$dir/err" ] || { [ -f "$dir/run2.csv" ] && [ "$(wc -l <"$dir/run2.csv")" -ge 2 ]; } && break
    sleep 0.1
  done
  kill -INT "$pid"
  code=0
  wait "$pid" || code=$?
}
moons=(train --data moons --train-size 5000 --test-size 100 --batch-size 1 --progress never)

# SIGINT ignored on entry (`trap '' INT`, as a shell's background job or nohup has it) stays
# ignored: the run goes on to its last epoch. Three epochs, so that the signal (sent after the
# first) arrives with two whole epochs still to run, not after the last step.
run sh -c 'trap "" INT; exec "$0" "$@"' "$tapegrad" "${moons[@]}" --epochs 3 --csv "$dir/run2.csv"
[ "$code" -eq 0 ] || fail "SIGINT ignored on entry: exit $code, expected 0"
[ "$(wc -l <"$dir/run2.csv")" -eq 4 ] || fail "SIGINT ignored on entry: the CSV does not hold 3 epochs"
echo "ok: a SIGINT ignored on entry stays ignored"

# Interrupted after an epoch while every CSV write fails: still an error (exit 1), and stderr
# says what is on disk: the checkpoint saved, no row in the CSV (not "holds epochs up to").
"$tapegrad" train --data moons --train-size 5000 --test-size 100 --batch-size 1 --progress always \
  --epochs 10000 --csv /dev/full --save "$dir/ck3" >"$dir/out" 2>"$dir/err" &
pid=$!
for _ in $(seq 200); do  # until epoch 1's line is out, at most 20 s
  grep -q "train loss" "$dir/out" && break
  sleep 0.1
done
kill -INT "$pid"
code=0
wait "$pid" || code=$?
[ "$code" -eq 1 ] || fail "interrupted with --csv /dev/full: exit $code, expected 1"
grep -q "tapegrad train: interrupted .*; the saved state is after epoch [1-9][0-9]*, in $dir/ck3 .*; no epoch of this run could be written to /dev/full$" \
  "$dir/err" || fail "interrupted with --csv /dev/full: stderr does not say what is on disk"
! grep -q "holds epochs" "$dir/err" || fail "interrupted with --csv /dev/full: stderr says the CSV holds epochs"
grep -q -- "--csv /dev/full: not every write succeeded (see above); the checkpoint is saved in $dir/ck3$" "$dir/err" ||
  fail "the failed CSV is not named, or the saved checkpoint not said"
echo "ok: interrupted with failed CSV writes is exit 1, saying the checkpoint is saved and the CSV holds nothing"
