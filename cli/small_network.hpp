// The network a command that shows a small network works on (tapegrad graph, tapegrad explain):
// a checkpoint's, a new one from the model options on the data set they name (xor by default,
// so that the picture stays small), or the 2-2-1 worked example of seed 002.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/options.hpp"
#include "cli/problem.hpp"

namespace tg::cli {

// The problem of a command that shows a small network: chosen_problem, with xor as the data
// set when the options name none (add_network_options(app, c, verb, "xor, or the checkpoint's")).
Problem small_problem(const NetworkChoice& choice);

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
