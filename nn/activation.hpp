// Activation functions σ, each two ways: as a recorded op (for autodiff) and on plain
// Tensors with its derivative σ'(z) (for BP1–BP4 by hand).
#pragma once

#include <string>

#include "autodiff/autodiff.hpp"

namespace tg::nn {

enum class Activation {
  sigmoid,   // σ(z) = 1/(1+e⁻ᶻ)         σ' = σ(1−σ)
  tanh,      // tanh z                    σ' = 1 − tanh²z
  relu,      // max(z, 0)                 σ' = [z > 0]
  identity,  // z                         σ' = 1
  softmax,   // e^{z_j}/Σ_k e^{z_k} down each column (one column per example); output layer only
};

std::string to_string(Activation a);
// "sigmoid", "tanh", "relu", "identity", "softmax"; anything else throws std::invalid_argument.
Activation parse_activation(const std::string& name);

// a = σ(z), recorded.          z: (N, m) -> (N, m)   (softmax: down axis 0, so z must not be 0-d)
Variable activate(Activation a, const Variable& z);
// a = σ(z) on plain numbers.
Tensor activate(Activation a, const Tensor& z);
// δ = ∂C/∂z from ∂C/∂a, by hand: (∂a/∂z)ᵀ ∂C/∂a. For the elementwise activations this is
// grad_a ⊙ σ'(z); for softmax, whose Jacobian is diag(a) − a aᵀ per column,
// it is a ⊙ (grad_a − Σ_k grad_a_k a_k).       z, a, grad_a: (N, m) -> (N, m)
// The three must have one shape, 2-D for softmax (tg::shape_error otherwise).
Tensor activation_backward(Activation act, const Tensor& z, const Tensor& a, const Tensor& grad_a);

}  // namespace tg::nn
