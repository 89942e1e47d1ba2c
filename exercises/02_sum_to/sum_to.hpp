// Exercise 02: sum_to, the backward of broadcasting. The declaration; you write the body in
// exercise.cpp.
#pragma once

#include "autodiff/tensor.hpp"

namespace tg::exercises {

// y = x broadcast to g's shape (NumPy's rule: shapes lined up from the right, an extent 1 or a
// missing axis repeated). Given g = ∂C/∂y, returns ∂C/∂x: each element of x receives the sum of
// the gradients of all of its copies,
//
//   ∂C/∂x[i] = Σ over every y[j] that is a copy of x[i] of ∂C/∂y[j]
//
// i.e. g summed over the leading axes x lacks and over the axes where x has extent 1.
// g: (to), shape: from (broadcastable to g's shape) -> from
Tensor sum_to_shape(const Tensor& g, const Shape& shape);

}  // namespace tg::exercises
