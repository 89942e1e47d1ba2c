// The hand-written half uses plain tensors and BLAS products only, as nn/backprop.cpp.
#include "nn/fully_connected.hpp"

#include <functional>

#include <fmt/format.h>

#include "autodiff/blas.hpp"
#include "autodiff/elementwise.hpp"

namespace tg::nn {

std::string FullyConnected::describe() const {
  return fmt::format("fully connected {} -> {}, {}: {}", linear_.in(), linear_.out(), to_string(sigma_),
                     shapes_str(*this));
}

std::vector<Parameter> FullyConnected::parameters() const {
  return {{"W", linear_.W, true}, {"b", linear_.b, false}};
}

std::unique_ptr<Layer> FullyConnected::copy() const {
  return std::make_unique<FullyConnected>(Linear(Tensor(linear_.W.value()), Tensor(linear_.b.value())),
                                          sigma_);
}

Variable FullyConnected::forward(const Variable& a_prev) const { return linear_.forward(a_prev); }

Tensor FullyConnected::forward(const Tensor& a_prev) const {
  if (a_prev.dimension() != 2 || a_prev.shape()[0] != linear_.in())
    throw shape_error(fmt::format("FullyConnected::forward: input {} does not fit W {}: expected ({}, m)",
                                  shape_str(a_prev), shape_str(linear_.W.value()), linear_.in()));
  return zip("FullyConnected::forward", gemm(linear_.W.value(), false, a_prev, false), linear_.b.value(),
             std::plus<>());  // z^l = W^l a^{l−1} + b^l
}

Tensor FullyConnected::backward_input(const Tensor&, const Tensor& delta) const {
  return gemm(linear_.W.value(), true, delta, false);  // (BP2) (W^l)ᵀ δ^l, before ⊙ σ'(z^{l−1})
}

std::vector<Tensor> FullyConnected::backward_parameters(const Tensor& a_prev, const Tensor& delta) const {
  return {gemm(delta, false, a_prev, true),    // (BP4) ∂C/∂W^l = δ^l (a^{l−1})ᵀ
          sum_to(delta, {linear_.out(), 1})};  // (BP3) ∂C/∂b^l = δ^l, summed over examples
}

}  // namespace tg::nn
