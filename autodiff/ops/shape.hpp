// Ops that move numbers around without arithmetic: reshape, transpose, broadcast_to, sum_to.
#pragma once

#include "autodiff/variable.hpp"

namespace tg {

// The same numbers in another shape of equal size.        x: s -> shape
Variable reshape(const Variable& x, const Shape& shape);
// Axes reversed: a matrix's rows become its columns.       x: (m, n) -> (n, m)
Variable transpose(const Variable& x);
// x repeated along broadcast axes (NumPy rules).           x: s -> shape
Variable broadcast_to(const Variable& x, const Shape& shape);
// The adjoint of broadcast_to: sums the repeated axes away. x: s -> shape (shape broadcasts to s)
Variable sum_to(const Variable& x, const Shape& shape);

}  // namespace tg
