// Ops that move numbers around without arithmetic: reshape, transpose, broadcast_to, sum_to.
#pragma once

#include "autodiff/variable.hpp"

namespace tg {

// Shapes that do not fit throw tg::shape_error naming the op and both shapes.

// The same numbers in another shape of equal size.        x: s -> shape   (numel equal)
Variable reshape(const Variable& x, const Shape& shape);
// Axes reversed: a matrix's rows become its columns.       x: (m, n) -> (n, m)
// Any rank, as NumPy's x.T: (a, b, c) -> (c, b, a); a 0-d or 1-D x is unchanged.
Variable transpose(const Variable& x);
// x repeated along broadcast axes (NumPy rules).           x: s -> shape   (s broadcasts to shape)
Variable broadcast_to(const Variable& x, const Shape& shape);
// The adjoint of broadcast_to: sums the repeated axes away. x: s -> shape (shape broadcasts to s)
Variable sum_to(const Variable& x, const Shape& shape);

}  // namespace tg
