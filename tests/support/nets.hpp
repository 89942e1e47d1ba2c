// Small helpers for nn tests: seeded inputs and targets in the column-per-example layout, and
// seed 002's network.
#pragma once

#include <algorithm>
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

// Every pairing of cost and output activation the library accepts, from the tables (nn/cost.hpp):
// a cost with ∇_a C (the quadratic) on any output, the others on the outputs they pair with
// (cross-entropy and the log-likelihood on sigmoid and softmax outputs).
struct Pairing {
  nn::CostKind kind;
  nn::Activation output;
};
inline const std::vector<Pairing> accepted_pairings = [] {
  std::vector<Pairing> pairs;
  for (const nn::CostRow& c : nn::cost_table())
    for (const nn::ActivationRow& a : nn::activation_table())
      if (c.grad_a || nn::pairing(c, a.kind)) pairs.push_back({c.kind, a.kind});
  return pairs;
}();

// Targets that are not one-hot, each within what the cost accepts (nn/cost.hpp):
enum class TargetShape {
  soft,          // every entry > 0: columns summing to 1 (softmax, log-likelihood), or each in (0, 1)
  smoothed,      // label smoothing: (1 − ε) e_k + ε/N with ε = 0.1, columns summing to 1
  zero_columns,  // every other column all zeros, the others one-hot
  unnormalised,  // ≥ 0 entries, columns summing to anything but 1 (0.6, 2, ...; capped at 1 for cross-entropy)
};
inline const char* to_string(TargetShape s) {
  switch (s) {
    case TargetShape::soft: return "soft labels";
    case TargetShape::smoothed: return "label smoothing";
    case TargetShape::zero_columns: return "all-zero columns";
    case TargetShape::unnormalised: return "columns not summing to 1";
  }
  return "?";
}
inline constexpr TargetShape all_target_shapes[] = {TargetShape::soft, TargetShape::smoothed,
                                                    TargetShape::zero_columns, TargetShape::unnormalised};

// (n_out, m) targets of that shape; cross_entropy's stay in [0, 1].
inline Tensor targets_of_shape(TargetShape shape, nn::CostKind kind, std::size_t n_out, std::size_t m,
                               std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.05, 1.0);
  Tensor Y = filled({n_out, m}, 0.0);
  for (std::size_t j = 0; j < m; ++j) {
    double total = 0.0;
    switch (shape) {
      case TargetShape::soft:
      case TargetShape::unnormalised:
        for (std::size_t i = 0; i < n_out; ++i) total += Y(i, j) = u(rng);
        if (shape == TargetShape::soft && n_out > 1)
          for (std::size_t i = 0; i < n_out; ++i) Y(i, j) /= total;  // sums to 1 (up to rounding)
        if (shape == TargetShape::unnormalised) {
          const double target = j % 2 == 0 ? 0.6 : 2.0;  // the column's sum
          for (std::size_t i = 0; i < n_out; ++i)
            Y(i, j) = std::min(Y(i, j) * target / total, kind == nn::CostKind::cross_entropy ? 1.0 : 1e300);
        }
        break;
      case TargetShape::smoothed:
        for (std::size_t i = 0; i < n_out; ++i) Y(i, j) = 0.1 / static_cast<double>(n_out);
        Y(rng() % n_out, j) += 0.9;
        break;
      case TargetShape::zero_columns:
        if (j % 2 == 1) Y(rng() % n_out, j) = 1.0;
        break;
    }
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
