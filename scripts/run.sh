#!/usr/bin/env bash
# The main job: install what is missing, build, and run tapegrad.
#
# With arguments, runs `tapegrad ARGS...` (e.g. scripts/run.sh train --data moons).
# Without, the main job: train [784,100,10] (σ hidden, softmax + log-likelihood, plain SGD) for
# 5 epochs on Fashion-MNIST (on the synthetic two moons when Debian's dataset-fashion-mnist is
# not installed), then evaluate the checkpoint on the test set and verify its gradients:
# BP1–BP4 by hand against autodiff. Results go to build/main-job/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
tapegrad=./build/cli/tapegrad
if (($#)); then
  exec "$tapegrad" "$@"
fi
out=build/main-job
mkdir -p "$out"
"$tapegrad" train --csv "$out/epochs.csv" --save "$out/checkpoint"
"$tapegrad" eval --checkpoint "$out/checkpoint"
"$tapegrad" verify --checkpoint "$out/checkpoint" --dump "$out/verify"
