// Exercise 08: BP1, the output layer's error, for two costs. The declarations; you write the
// bodies in exercise.cpp.
#pragma once

#include "autodiff/tensor.hpp"

namespace tg::exercises {

// A sigmoid output layer, a batch of m examples (one column each), the cost averaged over them:
//   (BP1)  δ^L = ∇_a C ⊙ σ'(z^L),   σ'(z) = σ(z)(1 − σ(z)) = a(1 − a)
// zL = z^L, aL = a^L = σ(z^L), Y = the targets: (N^L, m) each -> δ^L (N^L, m)

// C = 1/(2m) Σ_x ‖a^L − y‖²  (seeds 000, 001):  ∇_a C = (a^L − y)/m
Tensor bp1_quadratic(const Tensor& zL, const Tensor& aL, const Tensor& Y);

// C = −1/m Σ_x Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)]  (seed 002):
//   ∇_a C = (a − y) / (m a(1 − a)), and σ' = a(1 − a) cancels it
Tensor bp1_cross_entropy(const Tensor& zL, const Tensor& aL, const Tensor& Y);

}  // namespace tg::exercises
