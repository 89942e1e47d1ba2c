// `tapegrad report`: one self-contained HTML page about a trained network, to open in any
// browser without a network (everything inline: SVG pictures, PNG images as data: URIs, the
// style sheet; no external script, font, style sheet or image):
//
//   the run's settings        sizes, activations, cost, optimizer, epochs, test accuracy
//   the training curves       loss and accuracy per epoch, train and test, from --csv
//   the graph of the loss     one node per op, z^l, a^l, δ^l labelled (Graphviz's dot; without
//                             it, the DOT text)
//   the verification table    BP1–BP4 vs autodiff vs finite differences per W^l, b^l, on the
//                             first training examples (what `tapegrad verify` prints); finite
//                             differences at a sample of the weights unless --numeric
//   test images               for image data (28×28): a grid of test images with the class
//                             predicted and the true one, wrong ones marked
//
// For a network of layers (a version 2 checkpoint) the page also lists its layers (as
// nn::Network::describe, with each layer's parameter count) and draws the first conv layer's
// kernels as small grey images; the graph shows the engine's conv and pooling ops, and the
// table each layer's hand-written equations (nn/network_backprop.cpp) against autodiff.
//
// The data set comes from the checkpoint's notes, as for `tapegrad eval`.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/options.hpp"

namespace tg::cli {

struct ReportCommand {
  std::string checkpoint;            // required: from tapegrad train --save
  std::string csv;                   // the run's per-epoch CSV (tapegrad train --csv); empty: no curves
  std::string output;                // required: the HTML file to write
  DataOptions data;                  // default: the data set the checkpoint was trained on
  ModelOptions model;                // only the cost options are used
  std::size_t batch = 10;            // the verification batch: the first `batch` training examples
  bool numeric = true;               // also finite differences in the verification table
  std::size_t numeric_sample = 100;  // ... at this many weights of each W^l, b^l (0: at every weight)
  std::size_t images = 32;           // test images in the grid (image data only)
  std::string dot_program = "dot";   // Graphviz's dot, for the graph picture
  double dot_timeout = 60;           // seconds dot may take before it is stopped
};

void add_report_options(CLI::App& app, ReportCommand& command);

// Writes the page (atomically) and prints where. Returns 0; a missing or bad file throws,
// naming it.
int run_report(const ReportCommand& command, std::FILE* out);

}  // namespace tg::cli
