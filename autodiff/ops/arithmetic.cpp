// Each op: its value, then one edge per input carrying ∂C/∂input from gy = ∂C/∂y.
// Gradients may come out in the broadcast shape; the engine sums them back (sum_to).
#include "autodiff/ops/arithmetic.hpp"

#include <functional>

#include "autodiff/elementwise.hpp"
#include "autodiff/define_op.hpp"

namespace tg {
// The op table's layout, kept by hand: each input's derivative on its own line (docs/ quote it).
// clang-format off

// y = a + b        ∂C/∂a = gy,   ∂C/∂b = gy
Variable operator+(const Variable& a, const Variable& b) {
  return define_op("add", zip("add", a.value(), b.value(), std::plus<>()), {
      {a, [](const Backward& ctx) { return ctx.gy; }},
      {b, [](const Backward& ctx) { return ctx.gy; }}});
}

// y = −x           ∂C/∂x = −gy
Variable operator-(const Variable& x) {
  return define_op("neg", map(x.value(), std::negate<>()), {
      {x, [](const Backward& ctx) { return -ctx.gy; }}});
}

// y = a − b        ∂C/∂a = gy,   ∂C/∂b = −gy
Variable operator-(const Variable& a, const Variable& b) {
  return define_op("sub", zip("sub", a.value(), b.value(), std::minus<>()), {
      {a, [](const Backward& ctx) { return ctx.gy; }},
      {b, [](const Backward& ctx) { return -ctx.gy; }}});
}

// y = a ⊙ b        ∂C/∂a = gy ⊙ b,   ∂C/∂b = gy ⊙ a
Variable operator*(const Variable& a, const Variable& b) {
  return define_op("mul", zip("mul", a.value(), b.value(), std::multiplies<>()), {
      {a, [](const Backward& ctx) { return ctx.gy * ctx.x(1); }},
      {b, [](const Backward& ctx) { return ctx.gy * ctx.x(0); }}});
}

// y = a ⊘ b        ∂C/∂a = gy ⊘ b,   ∂C/∂b = −gy ⊙ a ⊘ b² = −gy ⊙ y ⊘ b
Variable operator/(const Variable& a, const Variable& b) {
  return define_op("div", zip("div", a.value(), b.value(), std::divides<>()), {
      {a, [](const Backward& ctx) { return ctx.gy / ctx.x(1); }},
      {b, [](const Backward& ctx) { return -(ctx.gy * ctx.y) / ctx.x(1); }}});
}

// With a double operand s (a constant: it gets no gradient, so it needs no node).
// y = a + s, s + a   ∂C/∂a = gy
Variable operator+(const Variable& a, double s) {
  return define_op("add", map(a.value(), [s](double v) { return v + s; }), {{a, [](const Backward& ctx) { return ctx.gy; }}});
}
Variable operator+(double s, const Variable& a) { return a + s; }

// y = a − s          ∂C/∂a = gy
Variable operator-(const Variable& a, double s) { return a + (-s); }

// y = s − a          ∂C/∂a = −gy
Variable operator-(double s, const Variable& a) {
  return define_op("sub", map(a.value(), [s](double v) { return s - v; }), {{a, [](const Backward& ctx) { return -ctx.gy; }}});
}

// y = s a, a s       ∂C/∂a = s gy
Variable operator*(const Variable& a, double s) {
  return define_op("mul", map(a.value(), [s](double v) { return v * s; }), {{a, [s](const Backward& ctx) { return ctx.gy * s; }}});
}
Variable operator*(double s, const Variable& a) { return a * s; }

// y = a / s          ∂C/∂a = gy / s
Variable operator/(const Variable& a, double s) { return a * (1.0 / s); }

// y = s / a          ∂C/∂a = −gy s / a² = −gy ⊙ y ⊘ a
Variable operator/(double s, const Variable& a) {
  return define_op("div", map(a.value(), [s](double v) { return s / v; }), {{a, [](const Backward& ctx) { return -(ctx.gy * ctx.y) / ctx.x(0); }}});
}

// clang-format on
}  // namespace tg
