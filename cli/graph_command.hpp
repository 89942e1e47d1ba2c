// `tapegrad graph`: the computational graph of a network's cost on a few examples, labelled in
// Nielsen's notation (x = a^1, W^l, b^l, z^l, a^l, y, C; δ^l = ∂C/∂z^l on z^l; see
// nn/loss_graph.hpp), as Graphviz DOT on stdout or in a file whose extension picks the format:
// .dot/.gv (DOT), .svg or .png (rendered by Graphviz's dot, cli/graphviz_render.hpp).
// The network is a checkpoint's or a new one from the same options as `tapegrad verify`; the
// data set defaults to xor (seed 002's task, a [2,2,1] network), so that the picture is small.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/options.hpp"
#include "cli/problem.hpp"

namespace tg::cli {

struct GraphCommand : NetworkChoice {  // checkpoint, data, model
  std::size_t batch = 1;               // the first `batch` training examples
  bool worked_example = false;         // the 2-2-1 worked example of seed 002 instead
  bool values = false;                 // each node's value and gradient
  int digits = 4;                      // significant digits of the values
  std::string output;  // -o/--out: .dot/.gv, .svg or .png; empty: DOT on stdout (--output is the activation)
};

void add_graph_options(CLI::App& app, GraphCommand& command);
int run_graph(const GraphCommand& command, std::FILE* out);

}  // namespace tg::cli
