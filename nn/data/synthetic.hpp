// Small synthetic data sets for trying networks out, in the column-per-example layout:
// X is (features, m) and Y is (targets, m); column j of both is example j.
//
//   auto [X, Y] = tg::nn::data::two_moons(200, 0.1, /*seed=*/1);
//
// Each generator is seeded and draws its numbers from std::mt19937_64 with its own uniform and
// normal transforms (std::normal_distribution's algorithm differs between standard libraries),
// so a seed gives the same set everywhere, up to the last bit of std::sin and friends.
// Bad arguments (no examples, negative or NaN noise, ...) throw std::invalid_argument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "autodiff/tensor.hpp"

namespace tg::nn::data {

struct Examples {
  Tensor X;                                          // (features, m)
  Tensor Y;                                          // (targets, m)
  std::size_t size() const { return X.shape()[1]; }  // m
};

// How class labels are written as targets.
enum class Targets {
  binary,   // a (1, m) row of 0/1: for one sigmoid output with cross-entropy (seed 002)
  one_hot,  // a (classes, m) matrix, one 1 per column: for softmax with log-likelihood
};

// The XOR truth table: X (2, 4) = columns (0,0), (0,1), (1,0), (1,1); Y (1, 4) = 0 1 1 0.
// Not linearly separable: a network needs a hidden layer (seed 002's 2-2-1 suffices).
Examples xor_gate();

// Two interleaving half circles in the plane (as scikit-learn's make_moons): class 0 on
// (cos t, sin t), class 1 on (1 − cos t, ½ − sin t), t evenly spread over [0, π], m/2 and
// m − m/2 points, each coordinate plus N(0, noise²). Columns in random order.
// m ≥ 2, noise ≥ 0. X: (2, m); Y: (1, m) binary or (2, m) one-hot.
Examples two_moons(std::size_t m, double noise, std::uint64_t seed, Targets targets = Targets::binary);

// `classes` spiral arms around the origin, m_per_class points each. Point i of arm k lies at
// radius r = (i + 1)/m_per_class and angle 2πk/classes + 4r + noise·N(0, 1) (the noise is on
// the angle, in radians). Columns in random order.
// m_per_class ≥ 1, classes ≥ 2, noise ≥ 0. X: (2, classes·m_per_class); Y: (classes, ·) one-hot.
Examples spirals(std::size_t m_per_class, std::size_t classes, double noise, std::uint64_t seed);

// A regression curve for the quadratic cost: x uniform in [−π, π], y = sin x + N(0, noise²).
// (Fit it with an identity output; σ's range (0, 1) cannot reach sin's negative half.)
// m ≥ 1, noise ≥ 0. X: (1, m), Y: (1, m).
Examples sine_curve(std::size_t m, double noise, std::uint64_t seed);

// One-hot columns for class labels: Y(labels[j], j) = 1.    -> (classes, labels.size())
// classes ≥ 1 and every label < classes (std::invalid_argument naming the label and example).
Tensor one_hot(const std::vector<std::size_t>& labels, std::size_t classes);

}  // namespace tg::nn::data
