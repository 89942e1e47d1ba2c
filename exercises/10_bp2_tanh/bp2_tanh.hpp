// Exercise 10: BP2 for a tanh hidden layer. The declaration; you write the body in exercise.cpp.
#pragma once

#include "autodiff/tensor.hpp"

namespace tg::exercises {

// The error of hidden layer l from the error of layer l + 1, when layer l's activation is tanh:
//
//   (BP2)  δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l),   with σ = tanh:  σ'(z) = 1 − tanh²(z)
//
// One column per example (a batch of m).
// W_next: W^{l+1} (N^{l+1}, N^l), delta_next: δ^{l+1} (N^{l+1}, m), z: z^l (N^l, m) -> δ^l (N^l, m)
Tensor bp2_tanh(const Tensor& W_next, const Tensor& delta_next, const Tensor& z);

}  // namespace tg::exercises
