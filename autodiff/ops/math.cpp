// Where the derivative is a function of the output (exp, sqrt, tanh, sigmoid), it is written
// with y, which backward hands to the derivative; nothing is recomputed.
#include "autodiff/ops/math.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "autodiff/cephes_tanh.hpp"
#include "autodiff/define_op.hpp"
#include "autodiff/error.hpp"
#include "autodiff/elementwise.hpp"
#include "autodiff/ops/arithmetic.hpp"

namespace tg {
namespace {

// tanh for map_simd: xsimd's for a batch and the tail; without xsimd (the WebAssembly build)
// the same algorithm one double at a time, 2.5× faster there than musl's tanh.
#ifdef XTENSOR_USE_XSIMD
constexpr auto tanh_f = [](auto v) {
  using std::tanh;
  return tanh(v);
};
#else
constexpr auto tanh_f = [](double v) { return detail::cephes_tanh(v); };
#endif

}  // namespace

// The op table's layout, kept by hand: each input's derivative on its own line (docs/ quote it).
// clang-format off

// y = eˣ                 ∂C/∂x = gy ⊙ y
Variable exp(const Variable& x) {
  return define_op("exp", map_simd(x.value(), [](auto v) { using std::exp; return exp(v); }), {
      {x, [](const Backward& ctx) { return ctx.gy * ctx.y; }}});
}

// y = ln x               ∂C/∂x = gy ⊘ x
Variable log(const Variable& x) {
  return define_op("log", map_simd(x.value(), [](auto v) { using std::log; return log(v); }), {
      {x, [](const Backward& ctx) { return ctx.gy / ctx.x(0); }}});
}

// y = xᵖ                 ∂C/∂x = gy ⊙ p xᵖ⁻¹      (p = 0: y = 1, ∂C/∂x = 0)
Variable pow(const Variable& x, double p) {
  return define_op("pow", map(x.value(), [p](double v) { return std::pow(v, p); }), {
      {x, [p](const Backward& ctx) { return p == 0.0 ? ctx.gy * 0.0 : ctx.gy * (p * pow(ctx.x(0), p - 1.0)); }}});
}

// y = xᵖ                 ∂C/∂x = gy ⊙ p ⊙ xᵖ⁻¹,   ∂C/∂p = gy ⊙ y ⊙ ln x
Variable pow(const Variable& x, const Variable& p) {
  return define_op("pow", zip("pow", x.value(), p.value(), [](double v, double q) { return std::pow(v, q); }), {
      {x, [](const Backward& ctx) { return ctx.gy * ctx.x(1) * pow(ctx.x(0), ctx.x(1) - 1.0); }},
      {p, [](const Backward& ctx) { return ctx.gy * ctx.y * log(ctx.x(0)); }}});
}

// y = √x                 ∂C/∂x = gy ⊘ (2y)
Variable sqrt(const Variable& x) {
  return define_op("sqrt", map(x.value(), [](double v) { return std::sqrt(v); }), {
      {x, [](const Backward& ctx) { return ctx.gy / (2.0 * ctx.y); }}});
}

// y = |x|                ∂C/∂x = gy ⊙ sign(x)      (sign(0) = 0)
// sign(x) is built as a constant, from the numbers, and that is exact: see relu's mask below.
Variable abs(const Variable& x) {
  return define_op("abs", map(x.value(), [](double v) { return std::abs(v); }), {
      {x, [](const Backward& ctx) { return ctx.gy * Variable(map(ctx.x(0).value(), [](double v) { return double((v > 0) - (v < 0)); })); }}});
}

// y = tanh x             ∂C/∂x = gy ⊙ (1 − y²)
Variable tanh(const Variable& x) {
  return define_op("tanh", map_simd(x.value(), tanh_f), {
      {x, [](const Backward& ctx) { return ctx.gy * (1.0 - ctx.y * ctx.y); }}});
}

// y = σ(x) = 1/(1+e⁻ˣ)   ∂C/∂x = gy ⊙ y ⊙ (1 − y)
// For x = −1000, e⁻ˣ overflows to inf and y = 1/inf = 0: no NaN, at either end.
Variable sigmoid(const Variable& x) {
  return define_op("sigmoid", map_simd(x.value(), [](auto v) { using std::exp; return 1.0 / (1.0 + exp(-v)); }), {
      {x, [](const Backward& ctx) { return ctx.gy * ctx.y * (1.0 - ctx.y); }}});
}

// y = max(x, 0)          ∂C/∂x = relu_grad(gy, x) = gy ⊙ [x > 0]
Variable relu(const Variable& x) {
  return define_op("relu", map(x.value(), [](double v) { return v > 0.0 ? v : 0.0; }), {
      {x, [](const Backward& ctx) { return relu_grad(ctx.gy, ctx.x(0)); }}});
}

// y = u ⊙ [x > 0]        ∂C/∂u = relu_grad(gy, x)    ∂C/∂x = 0
// relu's derivative as one op, one pass over u and x (a mask, then a product, took two).
// The mask [x > 0] is piecewise constant, so its derivative is 0 wherever relu is
// differentiable (x ≠ 0), and gradgradcheck holds. Exercise 05's planted mistake
// (exercises/05_sigmoid_op/mistake.cpp) also treats a factor as a constant, but there it is
// σ′ = y(1 − y), which varies with x: its derivative is lost and the second derivative is wrong.
Variable relu_grad(const Variable& u, const Variable& x) {
  if (!same_shape(u.value(), x.value()))
    throw shape_error(fmt::format("relu_grad: u {} and x {} must have one shape", shape_str(u.value()),
                                  shape_str(x.value())));
  Tensor y = Tensor::from_shape(shape_of(u.value()));
  const double *ud = u.value().data(), *xd = x.value().data();
  double* yd = y.data();
  // A product, not a choice, so that it is bit for bit u times the mask: a negative u gives −0
  // where x ≤ 0, and a NaN stays NaN, as BP2 by hand gives them.
#pragma omp simd
  for (std::size_t i = 0; i < y.size(); ++i) yd[i] = ud[i] * (xd[i] > 0.0 ? 1.0 : 0.0);
  // x's derivative is 0, and still a tensor of zeros: the engine calls a derivative for every
  // input the pass needs and takes only a gradient that sums to the input's shape (an empty
  // Variable is the error that catches a derivative which forgot to return; a smaller zero is
  // never broadcast up). x must stay an input, since u's derivative reads the mask from it (a
  // derivative captures no Variables; a copy of the mask would cost an allocation in every
  // recorded pass, where the zeros are made only when a later pass differentiates through
  // this one, and only then).
  return define_op("relu_grad", std::move(y), {
      {u, [](const Backward& ctx) { return relu_grad(ctx.gy, ctx.x(1)); }},
      {x, [](const Backward& ctx) { return Variable(filled(ctx.x(1).shape(), 0.0)); }}});
}

// y = ln(1 + eˣ)        ∂C/∂x = gy ⊙ σ(x)
// Computed as max(x, 0) + ln(1 + e^{−|x|}): the exponent is never positive, so nothing
// overflows, and log1p keeps the digits when e^{−|x|} is tiny.
Variable softplus(const Variable& x) {
  return define_op("softplus", map(x.value(), [](double v) { return std::max(v, 0.0) + std::log1p(std::exp(-std::abs(v))); }), {
      {x, [](const Backward& ctx) { return ctx.gy * sigmoid(ctx.x(0)); }}});
}

// y = erf x              ∂C/∂x = gy ⊙ (2/√π) e^{−x²}
// The error function, for the normal CDF Φ(x) = ½(1 + erf(x/√2)) (GELU: docs/adding-an-op.md).
Variable erf(const Variable& x) {
  return define_op("erf", map(x.value(), [](double v) { return std::erf(v); }), {
      {x, [](const Backward& ctx) { return ctx.gy * (2.0 * std::numbers::inv_sqrtpi * exp(-(ctx.x(0) * ctx.x(0)))); }}});
}

// clang-format on
}  // namespace tg
