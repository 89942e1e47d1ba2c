// Exercise 05: the derivative of an op made with tg::define_op. The op is given here; you
// write its derivative, sigmoid_derivative, in exercise.cpp.
#pragma once

#include <cmath>

#include "autodiff/autodiff.hpp"
#include "autodiff/elementwise.hpp"  // tg::map: y_i = f(x_i) on a Tensor

namespace tg::exercises {

// THE EXERCISE: ∂C/∂x for y = σ(x), given what the engine hands a derivative (define_op.hpp):
//   ctx.gy   ∂C/∂y, the gradient arriving at the op's output (y's shape)
//   ctx.y    the op's output y = σ(x)
//   ctx.x(0) the op's input x
// Returns ∂C/∂x (x's shape), written with Variable ops.
Variable sigmoid_derivative(const Backward& ctx);

// y = σ(x) = 1 / (1 + e^{−x}), elementwise: an op like tg::sigmoid, made with the same public
// mechanism. Its value is computed on plain numbers; its derivative is yours.
// x: any shape -> x's shape
inline Variable my_sigmoid(const Variable& x) {
  return define_op("my_sigmoid", map(x.value(), [](double v) { return 1.0 / (1.0 + std::exp(-v)); }),
                   {{x, sigmoid_derivative}});
}

}  // namespace tg::exercises
