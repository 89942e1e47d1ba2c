// Exercise 11: BP3 and BP4 for a batch, in matrix form. The declarations; you write the bodies
// in exercise.cpp.
#pragma once

#include "autodiff/tensor.hpp"

namespace tg::exercises {

// A layer's gradients from its error δ^l and the previous layer's activations, for a batch of
// m examples (one column each; δ^l already carries the cost's 1/m, as BP1 gave it):
//   (BP4)  ∂C/∂W^l = δ^l (a^{l−1})ᵀ        a sum over the examples, by the product itself
//   (BP3)  ∂C/∂b^l = Σ_x δ^l_x             the columns of δ^l added up
struct LayerGrads {
  Tensor dW;  // (N^l, N^{l−1})
  Tensor db;  // (N^l, 1)
};
// delta: δ^l (N^l, m), a_prev: a^{l−1} (N^{l−1}, m)
LayerGrads bp3_bp4(const Tensor& delta, const Tensor& a_prev);

}  // namespace tg::exercises
