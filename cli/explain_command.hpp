// `tapegrad explain`: BP1–BP4 for one example of a small network, neuron by neuron, with the
// numbers plugged in (nn/explain.hpp), each beside the value the autodiff engine computed and
// the step of its backward pass that produced it; then that backward order itself.
//
//   tapegrad explain --worked-example   seed 002's 2-2-1 network on its example x = (0.05, 0.10), y = 1
//   tapegrad explain --example 3        a new xor network (the default data set) on training example 3
//
// The network is a checkpoint's or a new one from the same options as `tapegrad verify`; the
// data set defaults to xor. Layers wider than 8 neurons are refused unless --force.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/options.hpp"
#include "cli/problem.hpp"

namespace tg::cli {

struct ExplainCommand : NetworkChoice {  // checkpoint, data, model
  std::size_t example = 0;               // which training example (0-based)
  bool worked_example = false;           // the 2-2-1 worked example of seed 002 instead
  int digits = 4;                        // significant digits of the numbers
  bool force = false;                    // allow layers wider than 8 neurons
};

void add_explain_options(CLI::App& app, ExplainCommand& command);
int run_explain(const ExplainCommand& command, std::FILE* out);

}  // namespace tg::cli
