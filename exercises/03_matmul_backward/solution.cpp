// Exercise 03, the reference solution (graded with scripts/grade.sh --solutions).
#include "autodiff/blas.hpp"  // tg::gemm
#include "matmul_backward.hpp"

namespace tg::exercises {

// ∂C/∂A = G Bᵀ: (m, n)(n, k) -> (m, k);   ∂C/∂B = Aᵀ G: (k, m)(m, n) -> (k, n)
MatmulGrads matmul_backward(const Tensor& A, const Tensor& B, const Tensor& G) {
  return {gemm(G, false, B, /*transpose_b=*/true), gemm(A, /*transpose_a=*/true, G, false)};
}

}  // namespace tg::exercises
