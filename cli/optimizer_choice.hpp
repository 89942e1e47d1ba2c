// The optimizer `tapegrad train --optimizer` (and the lab) builds for a network, by name.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "cli/dataset.hpp"
#include "nn/mlp.hpp"
#include "nn/network.hpp"
#include "nn/optimizer.hpp"

namespace tg::cli {

struct OptimizerChoice {
  std::string name = "sgd";             // sgd, momentum or adam
  std::optional<double> learning_rate;  // default: the data set's (SGD), its (1 − μ) (momentum), 1e-3 (Adam)
  std::optional<double> momentum;       // μ, default 0.9
};

// The optimizer for net.parameters(); an unknown name throws std::invalid_argument naming it,
// a bad η or μ as nn/optimizer.hpp says.
std::unique_ptr<nn::Optimizer> make_optimizer(const OptimizerChoice& choice, const DataSet& data,
                                              const nn::Mlp& net);
std::unique_ptr<nn::Optimizer> make_optimizer(const OptimizerChoice& choice, const DataSet& data,
                                              const nn::Network& net);

}  // namespace tg::cli
