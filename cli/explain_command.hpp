// `tapegrad explain`: BP1–BP4 for one example of a small network, neuron by neuron, with the
// numbers plugged in (nn/explain.hpp), each beside the value the autodiff engine computed and
// the step of its backward pass that produced it; then that backward order itself.
//
//   tapegrad explain --worked-example   seed 002's 2-2-1 network on its example x = (0.05, 0.10), y = 1
//   tapegrad explain --example 3        a new xor network (the default data set) on training example 3
//   tapegrad explain --conv-example     docs/conv.md's conv network on its 5×5 image
//
// The network is a checkpoint's or a new one from the same options as `tapegrad verify` (an Mlp,
// or a network of layers: nn/network_explain.hpp); the data set defaults to xor. Layers wider
// than 8 neurons, and conv layers of more than 8 maps without --map, are refused unless --force.
#pragma once

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/options.hpp"
#include "cli/problem.hpp"

namespace tg::cli {

struct ExplainCommand : NetworkChoice {  // checkpoint, data, model
  std::size_t example = 0;               // which training example (0-based)
  bool worked_example = false;           // the 2-2-1 worked example of seed 002 instead
  int digits = 4;                        // significant digits of the numbers
  bool force = false;                    // allow layers wider than 8 neurons
  bool conv_example = false;             // docs/conv.md's worked conv example instead
  std::optional<std::size_t> map;        // networks of layers: only this feature map (from 0)
  std::vector<std::size_t> at;           // networks of layers: (y, x) of the BP2-conv rows
};

void add_explain_options(CLI::App& app, ExplainCommand& command);
int run_explain(const ExplainCommand& command, std::FILE* out);

}  // namespace tg::cli
