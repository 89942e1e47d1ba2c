// The hand-written half is nn/backprop.cpp's equations for one fully connected layer.
#include "nn/fully_connected.hpp"

#include <fmt/format.h>

#include "nn/backprop.hpp"

namespace tg::nn {

std::string FullyConnected::describe() const {
  return fmt::format("fully connected {} -> {}, {}: {}", linear_.in(), linear_.out(), to_string(sigma_),
                     shapes_str(*this));
}

std::vector<Parameter> FullyConnected::parameters() const { return linear_.parameters(); }

std::unique_ptr<Layer> FullyConnected::copy() const {
  return std::make_unique<FullyConnected>(Linear(Tensor(linear_.W.value()), Tensor(linear_.b.value())),
                                          sigma_);
}

Variable FullyConnected::forward(const Variable& a_prev) const { return linear_.forward(a_prev); }

Tensor FullyConnected::forward(const Tensor& a_prev) const {
  if (a_prev.dimension() != 2 || a_prev.shape()[0] != linear_.in())
    throw shape_error(fmt::format("FullyConnected::forward: input {} does not fit W {}: expected ({}, m)",
                                  shape_str(a_prev), shape_str(linear_.W.value()), linear_.in()));
  return weighted_input(linear_, a_prev);  // z^l = W^l a^{l−1} + b^l
}

Tensor FullyConnected::backward_input(const Tensor&, const Tensor& delta) const {
  return error_to_previous_layer(linear_, delta);  // (BP2) (W^l)ᵀ δ^l, before ⊙ σ'(z^{l−1})
}

std::vector<Tensor> FullyConnected::backward_parameters(const Tensor& a_prev, const Tensor& delta) const {
  return {weight_gradient(delta, a_prev), bias_gradient(delta)};  // (BP4), (BP3)
}

}  // namespace tg::nn
