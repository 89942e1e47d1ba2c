// Max and average pooling on plain Tensors, (N, C, H, W) -> (N, C, H', W') over the windows of a
// pool_geometry (autodiff/conv_kernels.hpp): the values of the pooling ops (autodiff/ops/pool.cpp),
// also for code that needs the numbers without a graph (nn's hand-written backpropagation).
#pragma once

#include <cstddef>
#include <vector>

#include "autodiff/conv_kernels.hpp"
#include "autodiff/tensor.hpp"

namespace tg {

// y[n,c,i,j] = max over the window of x[n, c, i·s + a, j·s + b], 0 ≤ a, b < kernel, and for each
// output the flat position in x of its maximum: the first one in row-major order when several
// elements tie (that one alone then receives the gradient).
struct MaxPool {
  Tensor y;                         // (N, C, H', W')
  std::vector<std::size_t> argmax;  // one per element of y, flat positions in x
};
MaxPool max_pool2d_values(const Tensor& x, const ConvGeometry& g);

// The routing of max pooling's gradient: ∂C/∂x[argmax[o]] += gy[o] for every output o, 0 elsewhere.
// gy: y's shape (argmax.size() elements) -> x_shape
Tensor scatter_to_argmax(const Tensor& gy, const std::vector<std::size_t>& argmax, const Shape& x_shape);
// Its adjoint: y[o] = v[argmax[o]], the elements of v at the maxima.   v: x's shape -> y_shape
Tensor gather_at_argmax(const Tensor& v, const std::vector<std::size_t>& argmax, const Shape& y_shape);

// y[n,c,i,j] = (1/kernel²) Σ_a Σ_b x[n, c, i·s + a, j·s + b]
Tensor avg_pool2d_values(const Tensor& x, const ConvGeometry& g);
// Its adjoint, ∂C/∂x of average pooling: every gy[n,c,i,j]/kernel² added to each element of its
// window (overlapping windows add up).   gy: (N, C, H', W') -> (N, C, H, W)
Tensor avg_pool2d_input_grad_values(const Tensor& gy, const ConvGeometry& g);

}  // namespace tg
