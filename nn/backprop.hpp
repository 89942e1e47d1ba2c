// BP1–BP4 written by hand: every layer's ∂C/∂W^l and ∂C/∂b^l from the four equations alone,
// with no autodiff, so that nn::compare can hold the engine to them.
//
//   (BP1) δ^L = ∇_a C ⊙ σ'(z^L)
//   (BP2) δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l)
//   (BP3) ∂C/∂b^l = δ^l
//   (BP4) ∂C/∂W^l = δ^l (a^{l−1})ᵀ
// For a batch (one column per example) δ^l has one column per example; BP3 sums its columns
// and BP4's product sums over examples, since C adds up the examples' costs.
#pragma once

#include <vector>

#include "autodiff/tensor.hpp"
#include "nn/cost.hpp"
#include "nn/mlp.hpp"

namespace tg::nn {

// Everything BP computed, indexed by Nielsen's layer numbers (entries 0 and 1 are unused,
// except a[1] = x): the forward pass's z^l and a^l, the errors δ^l, and the gradients.
struct BackpropResult {
  std::vector<Tensor> z, a, delta;
  std::vector<Tensor> dW, db;  // ∂C/∂W^l: (N^l, N^{l−1}), ∂C/∂b^l: (N^l, 1)
};

// X: (N^1, m), Y: (N^L, m): other shapes throw tg::shape_error; a bad cost (λ < 0), std::invalid_argument.
BackpropResult backprop(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& cost);

}  // namespace tg::nn
