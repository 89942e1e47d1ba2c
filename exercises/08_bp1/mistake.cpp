// Exercise 08, a plausible wrong answer: cross-entropy's BP1 with σ' kept, (a − y)/m ⊙ a(1 − a),
// the quadratic cost's form: the cancellation seed 002 derives (∂L/∂z = a − y) is missed. The
// quadratic cost's BP1 is right.
#include "bp1.hpp"

namespace tg::exercises {

Tensor bp1_quadratic([[maybe_unused]] const Tensor& zL, const Tensor& aL, const Tensor& Y) {
  const double m = static_cast<double>(aL.shape()[1]);
  Tensor delta = aL;
  for (std::size_t i = 0; i < aL.size(); ++i) {
    const double a = aL.data()[i];
    delta.data()[i] = (a - Y.data()[i]) / m * a * (1.0 - a);
  }
  return delta;
}

Tensor bp1_cross_entropy(const Tensor& zL, const Tensor& aL, const Tensor& Y) {
  return bp1_quadratic(zL, aL, Y);  // the slip: σ' does not cancel here
}

}  // namespace tg::exercises
