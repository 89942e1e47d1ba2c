// Exercise 08, the reference solution (graded with scripts/grade.sh --solutions).
#include "bp1.hpp"

namespace tg::exercises {

// δ^L = (a − y)/m ⊙ a(1 − a)
Tensor bp1_quadratic([[maybe_unused]] const Tensor& zL, const Tensor& aL, const Tensor& Y) {
  const double m = static_cast<double>(aL.shape()[1]);
  Tensor delta = aL;
  for (std::size_t i = 0; i < aL.size(); ++i) {
    const double a = aL.data()[i];
    delta.data()[i] = (a - Y.data()[i]) / m * a * (1.0 - a);
  }
  return delta;
}

// δ^L = (a − y)/m: σ' cancels against ∇_a C's denominator a(1 − a)
Tensor bp1_cross_entropy([[maybe_unused]] const Tensor& zL, const Tensor& aL, const Tensor& Y) {
  const double m = static_cast<double>(aL.shape()[1]);
  Tensor delta = aL;
  for (std::size_t i = 0; i < aL.size(); ++i) delta.data()[i] = (aL.data()[i] - Y.data()[i]) / m;
  return delta;
}

}  // namespace tg::exercises
