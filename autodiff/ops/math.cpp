// Where the derivative is a function of the output (exp, sqrt, tanh, sigmoid), it is written
// with y, which backward hands to the derivative; nothing is recomputed.
#include "autodiff/ops/math.hpp"

#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include "autodiff/broadcast.hpp"
#include "autodiff/define_op.hpp"
#include "autodiff/ops/arithmetic.hpp"

namespace tg {

// y = eˣ                 ∂C/∂x = gy ⊙ y
Variable exp(const Variable& x) {
  return define_op("exp", xt::exp(x.value()), {
      {x, [](const Backward& g) { return g.gy * g.y; }}});
}

// y = ln x               ∂C/∂x = gy ⊘ x
Variable log(const Variable& x) {
  return define_op("log", xt::log(x.value()), {
      {x, [](const Backward& g) { return g.gy / g.x(0); }}});
}

// y = xᵖ                 ∂C/∂x = gy ⊙ p xᵖ⁻¹      (p = 0: y = 1, ∂C/∂x = 0)
Variable pow(const Variable& x, double p) {
  return define_op("pow", xt::pow(x.value(), p), {
      {x, [p](const Backward& g) { return p == 0.0 ? g.gy * 0.0 : g.gy * (p * pow(g.x(0), p - 1.0)); }}});
}

// y = xᵖ                 ∂C/∂x = gy ⊙ p ⊙ xᵖ⁻¹,   ∂C/∂p = gy ⊙ y ⊙ ln x
Variable pow(const Variable& x, const Variable& p) {
  check_broadcast("pow", x.value(), p.value());
  return define_op("pow", xt::pow(x.value(), p.value()), {
      {x, [](const Backward& g) { return g.gy * g.x(1) * pow(g.x(0), g.x(1) - 1.0); }},
      {p, [](const Backward& g) { return g.gy * g.y * log(g.x(0)); }}});
}

// y = √x                 ∂C/∂x = gy ⊘ (2y)
Variable sqrt(const Variable& x) {
  return define_op("sqrt", xt::sqrt(x.value()), {
      {x, [](const Backward& g) { return g.gy / (2.0 * g.y); }}});
}

// y = |x|                ∂C/∂x = gy ⊙ sign(x)      (sign(0) = 0)
Variable abs(const Variable& x) {
  return define_op("abs", xt::abs(x.value()), {
      {x, [](const Backward& g) { return g.gy * Variable(Tensor(xt::sign(g.x(0).value()))); }}});
}

// y = tanh x             ∂C/∂x = gy ⊙ (1 − y²)
Variable tanh(const Variable& x) {
  return define_op("tanh", xt::tanh(x.value()), {
      {x, [](const Backward& g) { return g.gy * (1.0 - g.y * g.y); }}});
}

// y = σ(x) = 1/(1+e⁻ˣ)   ∂C/∂x = gy ⊙ y ⊙ (1 − y)
// For x = −1000, e⁻ˣ overflows to inf and y = 1/inf = 0: no NaN, at either end.
Variable sigmoid(const Variable& x) {
  return define_op("sigmoid", 1.0 / (1.0 + xt::exp(-x.value())), {
      {x, [](const Backward& g) { return g.gy * g.y * (1.0 - g.y); }}});
}

// y = max(x, 0)          ∂C/∂x = gy ⊙ [x > 0]
Variable relu(const Variable& x) {
  return define_op("relu", xt::maximum(x.value(), 0.0), {
      {x, [](const Backward& g) {
         return g.gy * Variable(Tensor(xt::cast<double>(g.x(0).value() > 0.0)));
       }}});
}

}  // namespace tg
