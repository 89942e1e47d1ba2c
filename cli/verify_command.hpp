// `tapegrad verify`: the gradients of one batch by the hand-written BP1–BP4 (nn/backprop.cpp)
// against the autodiff engine, and with --numeric against central finite differences, as a
// table per parameter. Fails (exit 1) when they disagree beyond the tolerances.
//
// --dump DIR writes everything needed to re-check the numbers elsewhere (numpy, PyTorch):
//   DIR/index.json               the network, the cost, and the files below with their shapes
//   DIR/X.npy, DIR/Y.npy         the batch: (N^1, m) inputs, (N^L, m) targets
//   DIR/W2.npy, DIR/b2.npy, ...  the parameters
//   DIR/dW2.backprop.npy, DIR/dW2.autodiff.npy, DIR/db2.backprop.npy, ...   ∂C/∂W^l, ∂C/∂b^l
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/options.hpp"
#include "cli/problem.hpp"
#include "nn/cost.hpp"
#include "nn/mlp.hpp"

namespace tg::cli {

struct VerifyCommand : NetworkChoice {  // checkpoint, data, model
  std::size_t batch = 10;               // the first `batch` training examples
  bool numeric = false;
  double eps = 1e-6;                // finite differences' step
  double tolerance = 1e-10;         // largest relative difference BP1–BP4 vs autodiff
  double numeric_tolerance = 1e-6;  // ... vs finite differences
  std::string dump;
};

void add_verify_options(CLI::App& app, VerifyCommand& command);
int run_verify(const VerifyCommand& command, std::FILE* out);

// Writes the dump described above into dir (created if missing). Each file is written whole
// or not at all, index.json last.   X: (N^1, m), Y: (N^L, m)
void write_dump(const std::string& dir, const nn::Mlp& net, const nn::Cost& cost, const Tensor& X,
                const Tensor& Y);

}  // namespace tg::cli
