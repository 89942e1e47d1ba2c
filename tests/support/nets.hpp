// Small helpers for nn tests: seeded inputs and targets in the column-per-example layout.
#pragma once

#include <cstdint>
#include <random>

#include "nn/cost.hpp"
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

}  // namespace tg::test
