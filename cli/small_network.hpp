// The network a command that shows a small network works on (tapegrad graph, tapegrad explain):
// a checkpoint's, a new one from the model options on the data set they name (xor by default,
// so that the picture stays small), or the 2-2-1 worked example of seed 002 (cli/worked_example.hpp).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/options.hpp"
#include "cli/problem.hpp"
#include "cli/worked_example.hpp"  // seed 002's network, which --worked-example chooses

namespace tg::cli {

// The problem of a command that shows a small network: chosen_problem, with xor as the data
// set when the options name none (add_network_options(app, c, verb, "xor, or the checkpoint's")).
Problem small_problem(const NetworkChoice& choice);
// The same, of either kind: also a network of layers (--layers, --model, a version 2 checkpoint).
AnyProblem small_any_problem(const NetworkChoice& choice);

// --worked-example (old spelling --seed002), which excludes the options that choose another
// network or example.
CLI::Option* add_worked_example_flag(CLI::App& app, bool& flag);

}  // namespace tg::cli
