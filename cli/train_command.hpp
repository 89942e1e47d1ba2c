// `tapegrad train`: trains a network on a data set, shows its progress, writes the per-epoch
// losses and accuracies as CSV, and saves a checkpoint that `--resume` continues from.
#pragma once

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/options.hpp"
#include "nn/train.hpp"

namespace tg::cli {

struct TrainCommand {
  DataOptions data;
  ModelOptions model;
  // Left out: the defaults below, or with --resume the checkpoint's own (so that it goes on as
  // it was trained).
  std::optional<std::string> optimizer;  // sgd (default), momentum, adam
  std::optional<double> learning_rate;  // default: the data set's (SGD), its (1 − μ) (momentum), 1e-3 (Adam)
  std::optional<double> momentum;       // μ, default 0.9
  // A schedule (both or neither): η of epoch e is η·F^⌊(e−1)/N⌋ (nn/lr_schedule.hpp).
  std::optional<double> lr_decay;             // F ∈ (0, 1]
  std::optional<std::size_t> lr_decay_every;  // N ≥ 1
  std::optional<std::size_t> batch_size;      // 0: full batch
  std::optional<std::size_t> epochs;
  double stop_epsilon = 0.0;       // seed 003: stop when every |Δθ| of a step is below ε (0: off)
  std::size_t max_iterations = 0;  // seed 003's MAX: stop after this many steps (0: no limit)
  nn::GradientSource gradients = nn::GradientSource::autodiff;
  std::string csv;     // per-epoch figures, rewritten after every epoch; their curves go beside it (.svg)
  std::string save;    // checkpoint directory written at the end
  std::string resume;  // checkpoint directory to start from
  std::string progress = "auto";  // auto (live on a terminal), always, never
  // The training set's per-epoch figures: "running" (the average over the epoch's batches) or
  // "exact" (a pass over the set after each epoch); see nn::TrainOptions::exact_figures.
  std::string train_figures = "running";
};

// Registers the subcommand's options on `app` (the "train" subcommand).
void add_train_options(CLI::App& app, TrainCommand& command);

// Runs it; prints to out, and to err why training diverged and a file that fails to be written
// while training (training goes on; exit code 1 at the end, after the checkpoint is saved).
// Returns the exit code: 0, or 1 when training diverged or a --csv write failed, or 130 when
// Ctrl-C stopped it (the last whole epoch's state saved with --save). Bad settings,
// unreadable files and outputs that cannot be written (checked before training starts) throw.
int run_train(const TrainCommand& command, std::FILE* out, std::FILE* err = stderr);

}  // namespace tg::cli
