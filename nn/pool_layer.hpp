// A pooling layer (the pooling of network3's ConvPoolLayer): the max or the average of each
// k×k window, windows s apart, of every feature map; no parameters, no σ (a^l = z^l).
// Images (m, C, H, W) -> (m, C, H', W'), H' = (H − k)/s + 1. Its hand-written backward is
// (BP2-pool) of nn/pooling.hpp.
#pragma once

#include "nn/layer.hpp"
#include "nn/pooling.hpp"

namespace tg::nn {

class Pooling : public Layer {
 public:
  // in = (C, H, W); kernel, stride ≥ 1 and kernel ≤ H, W (std::invalid_argument, tg::shape_error).
  Pooling(const Shape& in, Pool pool, std::size_t kernel, std::size_t stride);

  Pool pool() const { return pool_; }
  const PoolGeometry& geometry() const { return g_; }

  std::string kind() const override { return pool_ == Pool::max ? "maxpool" : "avgpool"; }
  std::string describe() const override;
  Shape input_shape() const override { return in_; }
  Shape output_shape() const override { return {in_[0], g_.out(in_[1]), g_.out(in_[2])}; }
  std::unique_ptr<Layer> copy() const override { return std::make_unique<Pooling>(*this); }

  Variable forward(const Variable& a_prev) const override;  // max_pool2d or avg_pool2d
  Tensor forward(const Tensor& a_prev) const override;
  Tensor backward_input(const Tensor& a_prev, const Tensor& delta) const override;  // (BP2-pool)
  std::string input_equation() const override { return "BP2-pool"; }

 private:
  Shape in_;
  Pool pool_;
  PoolGeometry g_;
};

}  // namespace tg::nn
