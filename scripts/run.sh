#!/usr/bin/env bash
# The main job: install what is missing, build, and run tapegrad.
#
# With arguments, runs `tapegrad ARGS...` (e.g. scripts/run.sh train --data moons).
# Without, the main job: train [784,100,10] (σ hidden, softmax + log-likelihood, plain SGD) for
# 5 epochs on Fashion-MNIST (on the synthetic two moons when Debian's dataset-fashion-mnist is
# not installed), then evaluate the checkpoint on the test set, verify its gradients (BP1–BP4 by
# hand against autodiff) and write the report (curves, graph, gradient check, test images) as
# one HTML page, and build the lab (the engine in a web page). Results go to build/main-job/
# (open build/main-job/report.html and build/main-job/lab/index.html in a browser).
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
"$tapegrad" report --checkpoint "$out/checkpoint" --csv "$out/epochs.csv" -o "$out/report.html"
# The lab (docs/lab.md): the engine in a web page, $out/lab/index.html (skipped without emscripten).
scripts/lab.sh "$out/lab" || [ $? -eq 77 ]
