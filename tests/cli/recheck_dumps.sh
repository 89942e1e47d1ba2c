#!/usr/bin/env bash
# `tapegrad verify --dump` for several networks and costs, each dump re-checked in numpy by
# scripts/recheck_dump.py: BP1–BP4 computed a third time, outside tapegrad, must agree.
#   tests/cli/recheck_dumps.sh TAPEGRAD RECHECK_DUMP_PY
set -euo pipefail
tapegrad=$1
recheck=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
setups=(
  "--data moons"
  "--data xor --l2 0.5"
  "--data sine --l2 0.1 --l2-form total"
  "--data spirals --hidden sigmoid --cost quadratic --reduction sum"
  "--data moons --sizes 2,5,4,2 --hidden relu --output sigmoid --cost cross_entropy"
  "--data moons --hidden identity --output sigmoid --cost log_likelihood"
)
for setup in "${setups[@]}"; do
  rm -rf "$dir/dump"
  # shellcheck disable=SC2086  # the setup is a list of words
  "$tapegrad" verify $setup --batch-size 9 --dump "$dir/dump" > "$dir/verify.log" || { cat "$dir/verify.log"; exit 1; }
  /usr/bin/python3 "$recheck" "$dir/dump" --tolerance 1e-9 || { echo "numpy disagrees for: $setup"; exit 1; }
done
echo "numpy agrees with tapegrad for all ${#setups[@]} setups"
