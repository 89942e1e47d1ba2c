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

// The equations of one fully connected layer l, one line each, which backprop above and
// nn::FullyConnected (a layer of an nn::Network) both use. δ is δ^l = ∂C/∂z^l, (N^l, m);
// a_prev is a^{l−1}, (N^{l−1}, m). Shapes are the caller's to check.
Tensor weighted_input(const Linear& layer, const Tensor& a_prev);          // z^l = W^l a^{l−1} + b^l
Tensor error_to_previous_layer(const Linear& layer, const Tensor& delta);  // (W^l)ᵀ δ^l
Tensor bias_gradient(const Tensor& delta);                                 // (BP3)
Tensor weight_gradient(const Tensor& delta, const Tensor& a_prev);         // (BP4)
// L2 regularisation adds κ W^l to ∂C/∂W^l (κ from l2_coefficient; 0 adds nothing).
void add_weight_decay(Tensor& dW, const Tensor& W, double kappa);

}  // namespace tg::nn
