// Pooling on (batch, channels, height, width) tensors, each channel on its own: a kernel×kernel
// window moved by `stride`, no padding; x (N,C,H,W) -> (N,C,H',W'), H' = (H − kernel)/stride + 1.
// And flatten, between a stack of convolutions and the fully connected layers.
//
// Errors (tg::shape_error) name the op and x's shape: a rank other than 4, kernel 0, a window
// larger than the input, stride 0.
#pragma once

#include <cstddef>

#include "autodiff/variable.hpp"

namespace tg {

// y[n,c,i,j] = max_{a,b < kernel} x[n, c, i·s + a, j·s + b]. The gradient goes to the maximum of
// each window; where several elements tie, to the first in row-major order alone.
Variable max_pool2d(const Variable& x, std::size_t kernel, std::size_t stride);
// y[n,c,i,j] = (1/kernel²) Σ_{a,b < kernel} x[n, c, i·s + a, j·s + b]
Variable avg_pool2d(const Variable& x, std::size_t kernel, std::size_t stride);

// x (N, d₁, d₂, ...) -> (N, d₁·d₂·...): one row per example, a reshape (x must have an axis).
Variable flatten(const Variable& x);

// The ops the pooling backward is made of, so that it can be differentiated again.
// ∂C/∂x of y = max_pool2d(x): gy added at the maxima of x's windows.   gy (N,C,H',W') -> x's shape
// (x's values choose the positions; the result does not depend on them otherwise, and has no
// gradient in x.)
Variable max_pool2d_input_grad(const Variable& gy, const Variable& x, std::size_t kernel, std::size_t stride);
// Its adjoint: the elements of v at the maxima of x's windows.      v: x's shape -> (N,C,H',W')
// (max_pool2d(x) has the values of max_pool2d_gather(x, x).)
Variable max_pool2d_gather(const Variable& v, const Variable& x, std::size_t kernel, std::size_t stride);
// ∂C/∂x of y = avg_pool2d(x): each gy/kernel² spread over its window.  gy (N,C,H',W') -> x_shape
Variable avg_pool2d_input_grad(const Variable& gy, const Shape& x_shape, std::size_t kernel,
                               std::size_t stride);

}  // namespace tg
