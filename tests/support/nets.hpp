// Small helpers for nn tests: seeded inputs and targets in the column-per-example layout, and
// seed 002's network.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "nn/cost.hpp"
#include "nn/mlp.hpp"
#include "support/random.hpp"

namespace tg::test {

// Targets (n_out, m) that suit the cost and output activation: one-hot columns for softmax
// outputs or the log-likelihood, 0/1 labels for cross-entropy, numbers in the output's range
// for the quadratic cost.
inline Tensor targets_for(nn::CostKind kind, nn::Activation output, std::size_t n_out, std::size_t m,
                          std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Tensor Y = filled({n_out, m}, 0.0);
  if (kind == nn::CostKind::log_likelihood || output == nn::Activation::softmax) {
    for (std::size_t j = 0; j < m; ++j) Y(rng() % n_out, j) = 1.0;
  } else if (kind == nn::CostKind::cross_entropy) {
    for (double& y : Y) y = static_cast<double>(rng() % 2);
  } else {
    std::uniform_real_distribution<double> u(0.05, 0.95);
    for (double& y : Y) y = u(rng);
  }
  return Y;
}

// Seed 002's network: 2 inputs, 2 hidden sigmoid neurons, 1 sigmoid output, with the weights
// the demo uses (W^2 = [[.15,.20],[.25,.30]], b^2 = .35, W^3 = [.40,.45], b^3 = .60).
inline nn::Mlp seed002_net() {
  std::vector<nn::Linear> layers;
  layers.emplace_back(Tensor{{0.15, 0.20}, {0.25, 0.30}}, column({0.35, 0.35}));
  layers.emplace_back(Tensor{{0.40, 0.45}}, column({0.60}));
  return nn::Mlp(std::move(layers), nn::Activation::sigmoid, nn::Activation::sigmoid);
}

}  // namespace tg::test
