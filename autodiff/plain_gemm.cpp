#include "autodiff/plain_gemm.hpp"

namespace tg::detail {

void plain_gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, const double* a,
                std::size_t lda, const double* b, std::size_t ldb, double beta, double* c, std::size_t ldc) {
  const auto A = [&](std::size_t i, std::size_t p) { return ta ? a[p * lda + i] : a[i * lda + p]; };
  const auto B = [&](std::size_t p, std::size_t j) { return tb ? b[j * ldb + p] : b[p * ldb + j]; };
  for (std::size_t i = 0; i < m; ++i) {
    double* row = c + i * ldc;
    for (std::size_t j = 0; j < n; ++j) row[j] = beta == 0.0 ? 0.0 : beta * row[j];
    // i-p-j order: the inner loop runs along a row of C (and of B, when B is not transposed).
    for (std::size_t p = 0; p < k; ++p) {
      const double aip = A(i, p);
      for (std::size_t j = 0; j < n; ++j) row[j] += aip * B(p, j);
    }
  }
}

}  // namespace tg::detail
