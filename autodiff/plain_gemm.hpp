// C = op(A) op(B) by three plain loops: the WebAssembly build's stand-in for cblas_dgemm, which
// has no BLAS there (autodiff/blas.cpp picks it when TG_PLAIN_GEMM is defined). The native
// build compiles it too, and tests/autodiff/test_plain_gemm.cpp checks it against cblas_dgemm.
#pragma once

#include <cstddef>

namespace tg::detail {

// Row-major, as cblas_dgemm(CblasRowMajor, ...) with alpha = 1:
//   C (m, n) = op(A) (m, k) · op(B) (k, n) + β C,   c_ij = Σ_p op(A)_ip op(B)_pj + β c_ij
// (β = 0: C is only written, as BLAS does, whatever it held).
// lda, ldb, ldc: the row strides of A, B, C as stored (A is (k, m) when transpose_a).
void plain_gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
                const double* a, std::size_t lda, const double* b, std::size_t ldb, double beta, double* c,
                std::size_t ldc);

}  // namespace tg::detail
