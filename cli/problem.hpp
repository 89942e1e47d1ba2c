// A problem: a network, the data set it learns and the cost it minimises, as the command line
// describes them, or as a checkpoint holds them: its data set and cost are those given on the
// command line, or else the ones recorded by `tapegrad train --save`, or else the data set's
// defaults. Used by `verify`, `eval`, `report`, `graph` and `explain`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <CLI/CLI.hpp>

#include "cli/dataset.hpp"
#include "cli/model.hpp"  // Problem
#include "cli/options.hpp"
#include "nn/checkpoint.hpp"
#include "nn/cost.hpp"
#include "nn/lr_schedule.hpp"
#include "nn/mlp.hpp"
#include "nn/network.hpp"

namespace tg::cli {

// The whole number recorded under `key` in the checkpoint in dir's extra notes (nullopt when
// absent); anything else there throws, naming the checkpoint, the key and the value.
std::optional<std::uint64_t> recorded_count(const nn::CheckpointExtra& extra, const std::string& key,
                                            const std::string& dir);

// The schedule `tapegrad train --lr-decay F --lr-decay-every N` noted ("lr_decay", "lr_decay_every"),
// or nullopt when the run had none; one note without the other, or a bad value, throws
// nn::checkpoint_error naming the checkpoint, the key and the value.
std::optional<nn::StepDecay> noted_schedule(const nn::CheckpointExtra& extra, const std::string& dir);

// The notes `tapegrad train --save` keeps in a checkpoint about the problem: the data set (its
// name, sizes and seed) and the cost, so that eval, verify and --resume find them again.
nn::CheckpointExtra problem_notes(const DataOptions& data, const ModelOptions& model, const nn::Cost& cost);
// Fills what the options leave out from such notes (what they give wins).
void fill_from_notes(const nn::CheckpointExtra& notes, const std::string& dir, DataOptions& data,
                     ModelOptions& model);

// A new network from the options, on their data set.
Problem new_problem(const DataOptions& data, const ModelOptions& model);

// The network saved in dir. Throws when the checkpoint cannot be read, holds a network of
// layers (a version 2 checkpoint: load_layers_problem), or its network does not fit the data.
Problem load_problem(const std::string& dir, const DataOptions& data, const ModelOptions& model);

// A problem whose network is a network of layers (nn::Network: conv, pooling, ...).
struct LayersProblem {
  nn::Network net;
  DataSet data;
  nn::Cost cost;
};
using AnyProblem = std::variant<Problem, LayersProblem>;
// The network saved in dir as it was saved: an Mlp's Problem (version 1) or a LayersProblem.
AnyProblem load_any_problem(const std::string& dir, const DataOptions& data, const ModelOptions& model);

// The network a command works on (verify, graph, explain): the one saved in --checkpoint DIR,
// or a new one from the model options, on the data set the data options name.
struct NetworkChoice {
  std::string checkpoint;  // empty: a new network from the model options
  DataOptions data;
  ModelOptions model;
};
// --checkpoint DIR ("<verb> the network saved in DIR (default: a new one)"), the data options
// (data_default: what --help says is used without --data) and the model options.
void add_network_options(CLI::App& app, NetworkChoice& choice, const std::string& verb,
                         const std::string& data_default);
// The chosen problem: load_problem of the checkpoint, or new_problem.
Problem chosen_problem(const NetworkChoice& choice);

// The same, of either kind: also a LayersProblem, from a version 2 checkpoint or --layers / --model.
AnyProblem chosen_any_problem(const NetworkChoice& choice);

// --checkpoint DIR, required: the checkpoint directory a command reads (eval, report).
void add_checkpoint_option(CLI::App& app, std::string& checkpoint);

}  // namespace tg::cli
