#include "cli/optimizer_choice.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace tg::cli {

namespace {

std::unique_ptr<nn::Optimizer> make_for(const OptimizerChoice& c, const DataSet& data,
                                        const std::vector<Variable>& parameters) {
  const double mu = c.momentum.value_or(0.9);
  if (c.name == "sgd")
    return std::make_unique<nn::Sgd>(parameters, c.learning_rate.value_or(data.defaults.learning_rate));
  if (c.name == "momentum")  // η(1 − μ): in the long run the same step as SGD's η
    return std::make_unique<nn::Momentum>(parameters,
                                          c.learning_rate.value_or(data.defaults.learning_rate * (1.0 - mu)),
                                          mu);
  if (c.name == "adam") return std::make_unique<nn::Adam>(parameters, c.learning_rate.value_or(1e-3));
  throw std::invalid_argument(fmt::format("unknown optimizer '{}': expected sgd, momentum or adam", c.name));
}

}  // namespace

std::unique_ptr<nn::Optimizer> make_optimizer(const OptimizerChoice& c, const DataSet& data,
                                              const nn::Mlp& net) {
  return make_for(c, data, net.parameters());
}

std::unique_ptr<nn::Optimizer> make_optimizer(const OptimizerChoice& c, const DataSet& data,
                                              const nn::Network& net) {
  return make_for(c, data, net.parameters());
}

}  // namespace tg::cli
