// Exercise 11: BP3 and BP4 for a batch, in matrix form.               <-- YOUR FILE: edit it
//
// THE TASK
//   From δ^l (N^l, m) and a^{l−1} (N^{l−1}, m), one column per example, return
//     (BP4)  ∂C/∂W^l = δ^l (a^{l−1})ᵀ     (N^l, N^{l−1})
//     (BP3)  ∂C/∂b^l = Σ_x δ^l_x          (N^l, 1): the columns of δ^l added up
//
// HINTS
//   - Per example, BP4 is the outer product δ_x (a_x)ᵀ; the matrix product δ^l (a^{l−1})ᵀ sums
//     those over the m examples in one go (seed 003's Σ_i δ^{i,l} (a^{i,l−1})ᵀ).
//   - δ^l already carries the cost's 1/m (BP1 put it there): add the columns, do not average them.
//   - tg::gemm(delta, false, a_prev, true) is δ (a_prev)ᵀ (autodiff/blas.hpp); tg::filled({n, 1},
//     0.0) a column of zeros; delta(i, x) an element.
//   - Follows seeds 001 and 003; docs/backprop.md; about half an hour.
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 11
#include <stdexcept>

#include "autodiff/blas.hpp"  // tg::gemm
#include "bp3_bp4.hpp"

namespace tg::exercises {

LayerGrads bp3_bp4([[maybe_unused]] const Tensor& delta, [[maybe_unused]] const Tensor& a_prev) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/11_bp3_bp4/exercise.cpp)");
}

}  // namespace tg::exercises
