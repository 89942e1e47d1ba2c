#!/usr/bin/env bash
# One training epoch of [784,100,10] on Fashion-MNIST, float64, one thread, sigmoid hidden,
# softmax + log-likelihood, SGD η=0.1, shuffled batches: `tapegrad train` (its CSV's `seconds`,
# the epoch's steps only) against PyTorch (bench/torch_epoch.py, Debian's python3-torch).
#
#   bench/run_epoch.sh [BATCH]      BATCH: examples per step (default 64)
#   env: BUILD_DIR (default build), ROUNDS (default 3)
#
# Both run with OPENBLAS_NUM_THREADS=1: Debian's torch calls the pthread build of OpenBLAS, whose
# threads torch.set_num_threads(1) does not limit (seen here: user + sys time above wall time).
# The two programs alternate, ROUNDS times, so that load from elsewhere on the machine falls on
# both alike; the table gives every round and the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
batch=${1:-64}
rounds=${ROUNDS:-3}
data=/usr/share/datasets/fashion-mnist
[[ $batch =~ ^[1-9][0-9]*$ ]] || { echo "batch size must be a positive integer, got '$batch'" >&2; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive integer, got '$rounds'" >&2; exit 2; }
for f in train-images-idx3 train-labels-idx1 t10k-images-idx3 t10k-labels-idx1; do
  if [[ ! -f $data/$f-ubyte.gz ]]; then
    echo "Fashion-MNIST is missing: $data/$f-ubyte.gz not found (apt-get install dataset-fashion-mnist)" >&2
    exit 1
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release &&
  cmake --build "$build" -j"$(nproc)" --target tapegrad; } > "$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }

have_torch=1
/usr/bin/python3 -c 'import torch, numpy' 2>/dev/null || have_torch=0

results="$tmp/results"
: > "$results"
for ((r = 1; r <= rounds; r++)); do
  OPENBLAS_NUM_THREADS=1 "./$build/cli/tapegrad" train --data fashion-mnist --sizes 784,100,10 --hidden sigmoid \
    --output softmax --cost log_likelihood --optimizer sgd --lr 0.1 --batch-size "$batch" --epochs 1 \
    --progress never --csv "$tmp/epoch.csv" > "$tmp/train.log" 2>&1 || { cat "$tmp/train.log"; exit 1; }
  echo "tapegrad $(tail -n 1 "$tmp/epoch.csv")" >> "$results"
  if ((have_torch)); then
    torch_json=$(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_epoch.py --batch "$batch" --epochs 1)
    echo "torch $torch_json" >> "$results"
  fi
done

/usr/bin/python3 - "$results" "$tmp/epoch.csv" "$batch" <<'PY'
import json, statistics, sys
header = open(sys.argv[2]).readline().strip().split(",")
batch = int(sys.argv[3])
tg, pt = [], []
for line in open(sys.argv[1]):
    who, rest = line.rstrip("\n").split(" ", 1)
    if who == "tapegrad":
        row = dict(zip(header, rest.split(",")))
        tg.append((float(row["seconds"]), float(row["test_accuracy"])))
    else:
        j = json.loads(rest)
        pt.append((j["seconds_per_epoch"], j["test_accuracy"]))
        version = j["torch_version"]
print(f"one epoch of [784,100,10] on Fashion-MNIST (60000 examples), batch {batch}, float64, one thread, "
      f"SGD η=0.1; seconds of steps only")
if pt:
    print(f"{'round':>6} {'tapegrad':>10} {'PyTorch ' + version:>18}")
    for i, (a, b) in enumerate(zip(tg, pt), 1):
        print(f"{i:>6} {a[0]:>9.3f}s {b[0]:>17.3f}s")
    mt, mp = statistics.median(t for t, _ in tg), statistics.median(t for t, _ in pt)
    print(f"{'median':>6} {mt:>9.3f}s {mp:>17.3f}s")
    print(f"tapegrad / PyTorch = {mt / mp:.3f}   (target <= 1.0: no slower)")
    print(f"test accuracy after the epoch: tapegrad {100 * tg[-1][1]:.2f}%, PyTorch {100 * pt[-1][1]:.2f}%")
else:
    print(f"{'round':>6} {'tapegrad':>10}")
    for i, (t, _) in enumerate(tg, 1):
        print(f"{i:>6} {t:>9.3f}s")
    print(f"{'median':>6} {statistics.median(t for t, _ in tg):>9.3f}s")
    print(f"test accuracy after the epoch: tapegrad {100 * tg[-1][1]:.2f}%")
    print("PyTorch: python3-torch is not installed (apt-get install python3-torch python3-numpy)")
PY
