// Exercise 10, a plausible wrong answer: seed 004's slip, σ'(a^l) in place of σ'(z^l).
// (The handout test, exercises/test_handout.sh, grades it: it must score less, which proves the test catches it.)
#include <cmath>
#include <functional>

#include "autodiff/blas.hpp"
#include "autodiff/elementwise.hpp"
#include "bp2_tanh.hpp"

namespace tg::exercises {

Tensor bp2_tanh(const Tensor& W_next, const Tensor& delta_next, const Tensor& z) {
  const Tensor back = gemm(W_next, true, delta_next, false);
  const Tensor wrong = map(z, [](double v) {  // 1 − tanh²(a) with a = tanh z: f'(a), not f'(z)
    const double t = std::tanh(std::tanh(v));
    return 1.0 - t * t;
  });
  return zip("bp2_tanh", back, wrong, std::multiplies<>());
}

}  // namespace tg::exercises
