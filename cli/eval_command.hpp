// `tapegrad eval`: a saved network on a test set: its cost, its accuracy, and the confusion
// matrix (row: the true class, column: the class predicted).
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/options.hpp"

namespace tg::cli {

struct EvalCommand {
  std::string checkpoint;  // required
  DataOptions data;        // default: the data set the checkpoint was trained on
  ModelOptions model;      // only the cost options are used
};

void add_eval_options(CLI::App& app, EvalCommand& command);
int run_eval(const EvalCommand& command, std::FILE* out);

// confusion[t][p]: how many examples of true class t were predicted as p.
// predicted, truth: one label each per example, below `classes`.
std::vector<std::vector<std::size_t>> confusion_matrix(const std::vector<std::size_t>& predicted,
                                                       const std::vector<std::size_t>& truth,
                                                       std::size_t classes);

// The matrix as a table, with the class names, each row's recall (the fraction of that class
// found) and each column's precision.
std::string format_confusion(const std::vector<std::vector<std::size_t>>& confusion,
                             const std::vector<std::string>& classes);

}  // namespace tg::cli
