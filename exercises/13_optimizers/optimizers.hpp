// Exercise 13: the updates of SGD, momentum and Adam. The declarations; you write the bodies in
// exercise.cpp. Each takes one parameter θ and its gradient g = ∂C/∂θ (θ's shape) and changes
// θ (and the rule's state) in place, element by element.
#pragma once

#include <cstddef>

#include "autodiff/tensor.hpp"

namespace tg::exercises {

// (1) Gradient descent:  θ ← θ − η g
void sgd_step(Tensor& theta, const Tensor& g, double eta);

// (2) Momentum (Nielsen ch. 3): v, the velocity (θ's shape, starts at 0), remembers past steps;
//       v ← μ v − η g,     θ ← θ + v
void momentum_step(Tensor& theta, Tensor& v, const Tensor& g, double eta, double mu);

// (3) Adam (Kingma & Ba 2015, Algorithm 1): running averages of g and g ⊙ g, both starting at 0,
// and t, the number of this step (1 on the first):
//       m ← β₁ m + (1 − β₁) g,          v ← β₂ v + (1 − β₂) g ⊙ g
//       m̂ = m / (1 − β₁ᵗ),              v̂ = v / (1 − β₂ᵗ)          (the bias corrections)
//       θ ← θ − η m̂ ⊘ (√v̂ + ε)
struct AdamSettings {
  double eta = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
};
void adam_step(Tensor& theta, Tensor& m, Tensor& v, const Tensor& g, std::size_t t, const AdamSettings& s);

}  // namespace tg::exercises
