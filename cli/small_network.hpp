// The network a command that shows a small network works on (tapegrad graph, tapegrad explain):
// a checkpoint's, a new one from the model options on the data set they name (xor by default,
// so that the picture stays small), or the 2-2-1 worked example of seed 002.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/options.hpp"
#include "cli/problem.hpp"

namespace tg::cli {

// --checkpoint DIR ("`verb` the network saved in DIR"), the data options (xor by default) and
// the model options.
void add_small_network_options(CLI::App& app, const char* verb, std::string& checkpoint, DataOptions& data,
                               ModelOptions& model);

// The problem of a command that shows a small network: the checkpoint in `checkpoint`, or a new
// network from the options, on the data set they name or else xor.
Problem small_problem(const std::string& checkpoint, const DataOptions& data, const ModelOptions& model);

// Seed 002's 2-2-1 sigmoid network with cli/demo.cpp's weights (W^2 = [[.15,.20],[.25,.30]],
// b^2 = (.35,.35), W^3 = [.40,.45], b^3 = .60) and its one example x = (.05, .10), y = 1; the
// cost is cross-entropy unless the options name another.   x: (2, 1), y: (1, 1)
struct WorkedExample {
  Problem problem;
  Tensor x, y;
};
WorkedExample worked_example(const ModelOptions& model);

// --worked-example (old spelling --seed002), which excludes the options that choose another
// network or example.
CLI::Option* add_worked_example_flag(CLI::App& app, bool& flag);

}  // namespace tg::cli
