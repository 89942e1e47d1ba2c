// Exercise 05, a plausible wrong answer: the right numbers, computed on plain Tensors and
// wrapped in a constant Variable. The first derivative is right (gradcheck passes), but the
// engine cannot see how it depends on x, so its second derivative is 0: gradgradcheck fails.
// (The handout test, exercises/test_handout.sh, grades it: it must score less, which proves the test catches it.)
#include <functional>

#include "sigmoid_op.hpp"

namespace tg::exercises {

Variable sigmoid_derivative(const Backward& ctx) {
  const Tensor sigma_prime = map(ctx.y.value(), [](double y) { return y * (1.0 - y); });  // σ' as numbers
  return ctx.gy * Variable(sigma_prime);  // a constant: no path from it back to x
}

}  // namespace tg::exercises
