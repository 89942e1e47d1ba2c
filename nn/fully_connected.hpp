// A fully connected layer (network3's FullyConnectedLayer, and SoftmaxLayer with σ = softmax):
// z^l = W^l a^{l−1} + b^l, a^l = σ(z^l), on columns (N^{l−1}, m) -> (N^l, m). Its hand-written
// backward calls nn/backprop.hpp's equations of one layer (BP2–BP4), the ones nn::Mlp uses.
#pragma once

#include "nn/layer.hpp"
#include "nn/linear.hpp"

namespace tg::nn {

class FullyConnected : public Layer {
 public:
  FullyConnected(Linear linear, Activation sigma) : linear_(std::move(linear)), sigma_(sigma) {}

  const Linear& linear() const { return linear_; }

  std::string kind() const override { return "fc"; }
  std::string describe() const override;
  Shape input_shape() const override { return {linear_.in()}; }
  Shape output_shape() const override { return {linear_.out()}; }
  Activation activation() const override { return sigma_; }
  std::vector<Parameter> parameters() const override;
  std::unique_ptr<Layer> copy() const override;

  Variable forward(const Variable& a_prev) const override;  // W a + b
  Tensor forward(const Tensor& a_prev) const override;
  Tensor backward_input(const Tensor& a_prev, const Tensor& delta) const override;  // Wᵀ δ
  std::vector<Tensor> backward_parameters(const Tensor& a_prev,
                                          const Tensor& delta) const override;  // BP4, BP3
  std::string input_equation() const override { return "BP2"; }

 private:
  Linear linear_;
  Activation sigma_;
};

}  // namespace tg::nn
