// Exercise 03: the backward of a matrix product.                      <-- YOUR FILE: edit it
//
// THE TASK
//   Y = A B with A (m, k), B (k, n). Given G = ∂C/∂Y (m, n), return ∂C/∂A (m, k) and
//   ∂C/∂B (k, n):
//
//     ∂C/∂A = G Bᵀ        ∂C/∂B = Aᵀ G
//
//   Derive it first, element by element: Y_ij = Σ_k A_ik B_kj, so ∂Y_ij/∂A_ik = B_kj and
//   ∂C/∂A_ik = Σ_j G_ij B_kj, which is (G Bᵀ)_ik.
//
// HINTS
//   - The shapes decide: ∂C/∂A has A's shape (m, k); of G (m, n) and B (k, n) only G Bᵀ gives it.
//   - tg::gemm(X, transpose_x, Z, transpose_z) multiplies op(X) op(Z), reading a transposed
//     operand in place (autodiff/blas.hpp). Or three loops.
//   - A sum over the rows of A, not a mean: the product has no 1/m in it.
//   - Follows docs/derivatives.md (matmul) and seed 001's BP4 in matrix form; about half an hour.
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 03
#include <stdexcept>

#include "autodiff/blas.hpp"  // tg::gemm
#include "matmul_backward.hpp"

namespace tg::exercises {

MatmulGrads matmul_backward([[maybe_unused]] const Tensor& A, [[maybe_unused]] const Tensor& B,
                            [[maybe_unused]] const Tensor& G) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/03_matmul_backward/exercise.cpp)");
}

}  // namespace tg::exercises
