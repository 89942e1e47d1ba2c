// Reductions are evaluated immediately by the loops in broadcast.cpp, never as lazy xtensor
// reducers (slow, and wrong over reshaped views in xtensor 0.24.3).
#include "autodiff/ops/reduce.hpp"

#include "autodiff/broadcast.hpp"
#include "autodiff/define_op.hpp"
#include "autodiff/ops/arithmetic.hpp"
#include "autodiff/ops/shape.hpp"

namespace tg {
// The op table's layout, kept by hand: each input's derivative on its own line (docs/ quote it).
// clang-format off

namespace {
// The shape a reduction along `axis` produces.
Shape reduced_shape(const Shape& s, std::size_t axis, bool keepdims) {
  Shape out = keepdims_shape(s, axis);
  if (!keepdims) out.erase(out.begin() + static_cast<long>(axis));
  return out;
}

Tensor reshaped(Tensor t, const Shape& shape) {
  t.reshape(shape);
  return t;
}

// gy laid out along x's shape: the reduced axis restored with extent 1, then repeated.
Variable spread(const Variable& gy, const Variable& x, std::size_t axis) {
  return broadcast_to(reshape(gy, keepdims_shape(x.shape(), axis)), x.shape());
}
}  // namespace

// y = Σ_i x_i                   ∂C/∂x_i = gy   (gy repeated over x's shape)
Variable sum(const Variable& x) {
  return define_op("sum", sum_to(x.value(), Shape{}), {
      {x, [](const Backward& ctx) { return broadcast_to(ctx.gy, ctx.x(0).shape()); }}});
}

// y_j = Σ_k x_jk  (along axis)   ∂C/∂x_jk = gy_j
Variable sum(const Variable& x, int axis, bool keepdims) {
  const Shape s = x.shape();
  const std::size_t a = normalize_axis("sum", axis, s);
  return define_op("sum", reshaped(sum_to(x.value(), keepdims_shape(s, a)), reduced_shape(s, a, keepdims)), {
      {x, [a](const Backward& ctx) { return spread(ctx.gy, ctx.x(0), a); }}});
}

// y = Σ_i x_i / n: sum, then a scale (composite; both derivatives exist already).
Variable mean(const Variable& x) { return sum(x) * (1.0 / static_cast<double>(x.numel())); }

Variable mean(const Variable& x, int axis, bool keepdims) {
  const std::size_t a = normalize_axis("mean", axis, x.shape());
  return sum(x, axis, keepdims) * (1.0 / static_cast<double>(x.shape()[a]));
}

// y_j = max_k x_jk              ∂C/∂x_jk = gy_j if x_jk is the (first) maximum, else 0
// The mask is a constant, exactly like relu's (ops/math.cpp): piecewise constant, derivative 0.
Variable max(const Variable& x, int axis, bool keepdims) {
  const Shape s = x.shape();
  const std::size_t a = normalize_axis("max", axis, s);
  return define_op("max", reshaped(max_keepdims(x.value(), a), reduced_shape(s, a, keepdims)), {
      {x, [a](const Backward& ctx) {
         return spread(ctx.gy, ctx.x(0), a) * Variable(argmax_mask(ctx.x(0).value(), a));
       }}});
}

// y = max_i x_i: the maximum of x flattened to a vector.
Variable max(const Variable& x) { return max(reshape(x, {x.numel()}), 0); }

// clang-format on
}  // namespace tg
