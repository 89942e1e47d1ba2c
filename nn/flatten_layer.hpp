// Flatten: images (m, C, H, W) -> columns (C·H·W, m), each example's maps in row-major order,
// between a conv stack and the fully connected layers. No parameters, no σ; backward puts δ
// back into the images' layout.
#pragma once

#include "nn/layer.hpp"

namespace tg::nn {

class Flatten : public Layer {
 public:
  explicit Flatten(const Shape& in);  // in = (C, H, W)

  std::string kind() const override { return "flatten"; }
  std::string describe() const override;
  Shape input_shape() const override { return in_; }
  Shape output_shape() const override { return {numel(in_)}; }
  std::unique_ptr<Layer> copy() const override { return std::make_unique<Flatten>(*this); }

  Variable forward(const Variable& a_prev) const override;
  Tensor forward(const Tensor& a_prev) const override;
  Tensor backward_input(const Tensor& a_prev, const Tensor& delta) const override;
  std::string input_equation() const override { return ""; }  // a reshape: no equation of its own

 private:
  Shape in_;
};

}  // namespace tg::nn
