// The demo the README's main command runs: seed 002's 2-2-1 sigmoid network on one example,
// backpropagated by the engine, each gradient printed beside central finite differences.
#pragma once

#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

namespace tg::cli {

struct DemoOptions {
  std::string dot_path;  // if set, the graph of the loss is written there as Graphviz DOT
};

// --dot FILE.
void add_demo_options(CLI::App& app, DemoOptions& options);

// Prints the demo to `out`; returns the process exit code (non-zero if autodiff and finite
// differences disagree).
int run_demo(const DemoOptions& options, std::FILE* out = stdout);

}  // namespace tg::cli
