// Exercise 04: a numerically stable log_softmax and its backward. The declarations; you write the
// bodies in exercise.cpp.
#pragma once

#include "autodiff/tensor.hpp"

namespace tg::exercises {

// Along each column j of x (one column per example, as the network's outputs):
//   y_ij = x_ij − ln Σ_k e^{x_kj}
// stable for any x: the same numbers for x and x + c, and no overflow at x = 1000.
// x: (n, m) -> (n, m)
Tensor log_softmax_columns(const Tensor& x);

// Its backward: given y = log_softmax_columns(x) and g = ∂C/∂y, returns ∂C/∂x,
//   ∂C/∂x_ij = g_ij − softmax_ij Σ_k g_kj,   softmax = e^y
// y, g: (n, m) -> (n, m)
Tensor log_softmax_columns_backward(const Tensor& y, const Tensor& g);

}  // namespace tg::exercises
