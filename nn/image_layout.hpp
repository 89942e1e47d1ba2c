// Between the two layouts of a network's activations: columns (N, m), one column per example
// (nn::Mlp, fully connected layers, data sets), and images (m, C, H, W) (conv and pooling
// layers), with N = C·H·W and each column the example's image in row-major order.
#pragma once

#include "autodiff/autodiff.hpp"

namespace tg::nn {

// X (C·H·W, m) -> (m, C, H, W), image = (C, H, W)    (tg::shape_error when X does not fit)
Tensor to_images(const Tensor& X, const Shape& image);
Variable to_images(const Variable& X, const Shape& image);
// A (m, C, H, W) -> (C·H·W, m)
Tensor to_columns(const Tensor& A);
Variable to_columns(const Variable& A);

}  // namespace tg::nn
