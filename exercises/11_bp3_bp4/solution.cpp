// Exercise 11, the reference solution (graded with scripts/grade.sh --solutions).
#include "autodiff/blas.hpp"  // tg::gemm
#include "bp3_bp4.hpp"

namespace tg::exercises {

// ∂C/∂W^l = δ^l (a^{l−1})ᵀ: (N^l, m)(m, N^{l−1});  ∂C/∂b^l = δ^l 1: the columns summed
LayerGrads bp3_bp4(const Tensor& delta, const Tensor& a_prev) {
  Tensor db = filled({delta.shape()[0], 1}, 0.0);
  for (std::size_t i = 0; i < delta.shape()[0]; ++i)
    for (std::size_t x = 0; x < delta.shape()[1]; ++x) db(i, 0) += delta(i, x);
  return {gemm(delta, false, a_prev, /*transpose_b=*/true), db};
}

}  // namespace tg::exercises
