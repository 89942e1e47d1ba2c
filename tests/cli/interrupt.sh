#!/usr/bin/env bash
# Ctrl-C (SIGINT) during `tapegrad train`: the run stops at a safe point, exits 130, says which
# epoch the saved state is, and leaves the CSV and the checkpoint whole: the checkpoint loads,
# its epoch is the CSV's last row, and training resumes from it.
#   tests/cli/interrupt.sh TAPEGRAD
set -euo pipefail
tapegrad=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

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
[ "$(head -n 1 "$dir/run.csv")" = "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,examples_per_second" ] ||
  fail "the CSV's header"
[ "$(wc -l <"$dir/run.csv")" -eq $((last + 1)) ] || fail "the CSV holds $(wc -l <"$dir/run.csv") lines for $last epochs"
awk -F, 'NR > 1 && (NF != 7 || $1 != NR - 1) { exit 1 }' "$dir/run.csv" || fail "a CSV row is not whole"
grep -q "\"epochs\": \"$last\"" "$dir/ck/checkpoint.json" || fail "the checkpoint's epochs note is not $last"
"$tapegrad" eval --checkpoint "$dir/ck" >/dev/null || fail "the checkpoint does not load"
"$tapegrad" train --resume "$dir/ck" --epochs 1 --progress never --csv "$dir/run.csv" >"$dir/out2" ||
  fail "training does not resume from the checkpoint"
grep -q "resumed from .* after epoch $last" "$dir/out2" || fail "resumed at another epoch"
echo "ok: interrupted after epoch $last, exit 130, CSV and checkpoint whole, resumed"
