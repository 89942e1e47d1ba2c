#include "autodiff/plain_gemm.hpp"

namespace tg::detail {

void plain_gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, const double* a,
                std::size_t lda, const double* b, std::size_t ldb, double beta, double* c, std::size_t ldc) {
  const auto A = [&](std::size_t i, std::size_t p) { return ta ? a[p * lda + i] : a[i * lda + p]; };
  for (std::size_t i = 0; i < m; ++i) {
    double* row = c + i * ldc;
    for (std::size_t j = 0; j < n; ++j) row[j] = beta == 0.0 ? 0.0 : beta * row[j];
    if (!tb) {
      // i-p-j order: the inner loop runs along a row of C and a row of B, both contiguous, so
      // the compiler vectorises it (c_i· += a_ip b_p·).
      for (std::size_t p = 0; p < k; ++p) {
        const double aip = A(i, p);
        const double* brow = b + p * ldb;
        for (std::size_t j = 0; j < n; ++j) row[j] += aip * brow[j];
      }
    } else {
      // B stored transposed: c_ij is the dot product of A's row i with B's stored row j (both
      // contiguous when A is not transposed), summed onto c_ij in the order p = 0, 1, ...
      for (std::size_t j = 0; j < n; ++j) {
        const double* bcol = b + j * ldb;
        double s = row[j];
        for (std::size_t p = 0; p < k; ++p) s += A(i, p) * bcol[p];
        row[j] = s;
      }
    }
  }
}

}  // namespace tg::detail
