// GELU, the Gaussian error linear unit, added as a new op with tg::define_op: the worked example
// of docs/adding-an-op.md. Header-only, so examples/04_custom_op.cpp and the op table in
// tests/autodiff/test_op_table.cpp use this one definition.
//
//   gelu(x)  = x Φ(x)              Φ(x) = ½ (1 + erf(x/√2))      the standard normal CDF
//   gelu'(x) = Φ(x) + x φ(x)       φ(x) = e^{−x²/2} / √(2π)      the standard normal density
#pragma once

#include <cmath>
#include <numbers>

#include "autodiff/autodiff.hpp"
#include "autodiff/elementwise.hpp"  // tg::map: y_i = f(x_i) over a Tensor

namespace tg::examples {
// The op table's layout, kept by hand: each input's derivative on its own line (docs/ quote it).
// clang-format off

// 1/√2 and 1/√(2π).
inline constexpr double inv_sqrt2 = 1.0 / std::numbers::sqrt2;
inline constexpr double inv_sqrt_2pi = std::numbers::inv_sqrtpi * inv_sqrt2;

// Φ(x) = ½ (1 + erf(x/√2)), written with Variable ops: recorded, so it can be differentiated.
inline Variable normal_cdf(const Variable& x) { return 0.5 * (1.0 + tg::erf(x * inv_sqrt2)); }

// φ(x) = e^{−x²/2} / √(2π), written with Variable ops.
inline Variable normal_pdf(const Variable& x) { return inv_sqrt_2pi * tg::exp(-0.5 * (x * x)); }

// y = x Φ(x)             ∂C/∂x = gy ⊙ (Φ(x) + x φ(x))
// x: any shape -> x's shape
inline Variable gelu(const Variable& x) {
  return tg::define_op("gelu", tg::map(x.value(), [](double v) { return 0.5 * v * (1.0 + std::erf(v * inv_sqrt2)); }), {
      {x, [](const tg::Backward& ctx) { return ctx.gy * (normal_cdf(ctx.x(0)) + ctx.x(0) * normal_pdf(ctx.x(0))); }}});
}

// clang-format on
}  // namespace tg::examples
