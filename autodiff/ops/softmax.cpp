// Both subtract the maximum along the axis before exponentiating: e^{x−m} ≤ 1 never overflows,
// and the result is unchanged because the factor e^{−m} cancels (softmax) or is added back
// (log_softmax: ln Σ e^{x_k} = m + ln Σ e^{x_k − m}).
#include "autodiff/ops/softmax.hpp"

#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "autodiff/elementwise.hpp"
#include "autodiff/define_op.hpp"
#include "autodiff/error.hpp"
#include "autodiff/ops/arithmetic.hpp"
#include "autodiff/ops/math.hpp"
#include "autodiff/ops/reduce.hpp"

namespace tg {
// The op table's layout, kept by hand: each input's derivative on its own line (docs/ quote it).
// clang-format off

namespace {
constexpr bool keepdims = true;  // the sums in the derivatives keep the axis, to broadcast back

// x − m, e^{x−m} and Σ e^{x−m} along the axis (kept as an axis of extent 1).
struct Shifted {
  Tensor x_minus_max;
  Tensor exp;
  Tensor sum_exp;
};
// `op` names the caller in errors: the axis must exist and hold at least one element.
Shifted shift(const char* op, const Tensor& x, std::size_t axis) {
  const Shape shape = shape_of(x);
  if (axis >= shape.size())
    throw shape_error(fmt::format("{}: axis {} is out of range for shape {}", op, axis, shape_str(shape)));
  if (shape[axis] == 0)
    throw shape_error(fmt::format("{}: axis {} of {} is empty: there is nothing to normalise", op, axis, shape_str(shape)));
  Tensor d = zip(op, x, max_keepdims(x, axis), std::minus<>());
  Tensor e = map_simd(d, [](auto v) { using std::exp; return exp(v); });
  Tensor s = sum_to(e, keepdims_shape(shape_of(x), axis));
  return {std::move(d), std::move(e), std::move(s)};
}
}  // namespace

Tensor softmax_values(const Tensor& x, std::size_t axis) {
  const Shifted s = shift("softmax_values", x, axis);
  return zip("softmax", s.exp, s.sum_exp, std::divides<>());
}

// y = softmax(x)         ∂C/∂x = y ⊙ (gy − Σ_k gy_k y_k)      (Σ along the axis)
Variable softmax(const Variable& x, int axis) {
  const std::size_t a = normalize_axis("softmax", axis, x.shape());
  const Shifted s = shift("softmax", x.value(), a);
  return define_op("softmax", zip("softmax", s.exp, s.sum_exp, std::divides<>()), {
      {x, [a](const Backward& ctx) {
         return ctx.y * (ctx.gy - sum(ctx.gy * ctx.y, static_cast<int>(a), keepdims));
       }}});
}

// y = log_softmax(x)     ∂C/∂x = gy − e^y ⊙ Σ_k gy_k           (e^y is softmax(x))
Variable log_softmax(const Variable& x, int axis) {
  const std::size_t a = normalize_axis("log_softmax", axis, x.shape());
  Shifted s = shift("log_softmax", x.value(), a);
  Tensor y = zip("log_softmax", s.x_minus_max, map_simd(s.sum_exp, [](auto v) { using std::log; return log(v); }), std::minus<>());
  return define_op("log_softmax", std::move(y), {
      {x, [a](const Backward& ctx) { return ctx.gy - exp(ctx.y) * sum(ctx.gy, static_cast<int>(a), keepdims); }}});
}

// clang-format on
}  // namespace tg
