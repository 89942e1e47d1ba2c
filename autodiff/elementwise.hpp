// Elementwise loops over Tensors: what every elementwise op computes its value with.
//
// xtensor's expression assignment costs a few hundred instructions per call even for one
// element (shape computation, broadcasting checks); a scalar op would spend most of its time
// there. These loops are plain: equal shapes go straight through the data, broadcasting
// materialises the operands first (eagerly, with broadcast_to) and then does the same.
#pragma once

#include <algorithm>

#include "autodiff/broadcast.hpp"
#include "autodiff/tensor.hpp"

namespace tg {

// y_i = f(x_i)
// (Results start as copies of an operand: copying a shape is cheaper than building one.)
template <class F>
Tensor map(const Tensor& x, F f) {
  Tensor y = x;
  std::transform(y.data(), y.data() + y.size(), y.data(), f);
  return y;
}

// y_i = f(a_i, b_i), with NumPy broadcasting; `op` names the op in a shape error.
template <class F>
Tensor zip(const char* op, const Tensor& a, const Tensor& b, F f) {
  if (same_shape(a, b)) {
    Tensor y = a;
    std::transform(y.data(), y.data() + y.size(), b.data(), y.data(), f);
    return y;
  }
  const Shape shape = broadcast_shapes(op, shape_of(a), shape_of(b));
  return zip(op, broadcast_to(a, shape), broadcast_to(b, shape), f);
}

// y += x for tensors of one shape (the engine's gradient accumulation).
inline void add_into(Tensor& y, const Tensor& x) {
  double* out = y.data();
  const double* in = x.data();
  for (std::size_t i = 0, n = y.size(); i < n; ++i) out[i] += in[i];
}

}  // namespace tg
