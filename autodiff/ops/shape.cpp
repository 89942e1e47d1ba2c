#include "autodiff/ops/shape.hpp"

#include <fmt/format.h>

#include "autodiff/xtensor_headers.hpp"
#include "autodiff/broadcast.hpp"
#include "autodiff/define_op.hpp"
#include "autodiff/error.hpp"

namespace tg {
// The op table's layout, kept by hand: each input's derivative on its own line (docs/ quote it).
// clang-format off

// y = x viewed as `shape`       ∂C/∂x = gy viewed as x's shape
Variable reshape(const Variable& x, const Shape& shape) {
  if (numel(shape) != x.numel())
    throw shape_error(fmt::format("reshape: {} has {} elements, {} has {}", shape_str(x.value()),
                                  x.numel(), shape_str(shape), numel(shape)));
  Tensor v = x.value();
  v.reshape(shape);
  return define_op("reshape", std::move(v), {
      {x, [](const Backward& ctx) { return reshape(ctx.gy, ctx.x(0).shape()); }}});
}

// y = xᵀ  (y_ij = x_ji)         ∂C/∂x = gyᵀ
Variable transpose(const Variable& x) {
  return define_op("transpose", Tensor(xt::transpose(x.value())), {
      {x, [](const Backward& ctx) { return transpose(ctx.gy); }}});
}

// y = x repeated to `shape`     ∂C/∂x = sum_to(gy, x's shape): each copy's gradient adds up
Variable broadcast_to(const Variable& x, const Shape& shape) {
  return define_op("broadcast_to", broadcast_to(x.value(), shape), {
      {x, [](const Backward& ctx) { return sum_to(ctx.gy, ctx.x(0).shape()); }}});
}

// y = x summed to `shape`       ∂C/∂x = broadcast_to(gy, x's shape): each summand gets gy
Variable sum_to(const Variable& x, const Shape& shape) {
  return define_op("sum_to", sum_to(x.value(), shape), {
      {x, [](const Backward& ctx) { return broadcast_to(ctx.gy, ctx.x(0).shape()); }}});
}

// clang-format on
}  // namespace tg
