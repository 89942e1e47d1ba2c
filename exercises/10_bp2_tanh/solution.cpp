// Exercise 10, the reference solution (graded with scripts/grade.sh --solutions).
#include <cmath>
#include <functional>

#include "autodiff/blas.hpp"         // tg::gemm
#include "autodiff/elementwise.hpp"  // tg::map, tg::zip
#include "bp2_tanh.hpp"

namespace tg::exercises {

// (BP2) δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ (1 − tanh²(z^l))
// W_next: (N^{l+1}, N^l), delta_next: (N^{l+1}, m), z: (N^l, m) -> (N^l, m)
Tensor bp2_tanh(const Tensor& W_next, const Tensor& delta_next, const Tensor& z) {
  const Tensor back = gemm(W_next, /*transpose_a=*/true, delta_next, false);  // (W^{l+1})ᵀ δ^{l+1}: (N^l, m)
  const Tensor tanh_prime = map(z, [](double v) {                             // σ'(z^l) = 1 − tanh²(z^l)
    const double t = std::tanh(v);
    return 1.0 - t * t;
  });
  return zip("bp2_tanh", back, tanh_prime, std::multiplies<>());  // ⊙
}

}  // namespace tg::exercises
