// detail::plain_gemm (autodiff/plain_gemm.cpp), the WebAssembly build's gemm, against cblas_dgemm:
// β = 0 and β ≠ 0, every pair of transpose flags, shapes from 1 to 9 (odd and even), and row strides wider than
// the rows (a view of a larger matrix).
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include <cblas.h>

#include "autodiff/plain_gemm.hpp"
#include "support/random.hpp"

namespace {

// A stored (rows, ld) row-major matrix of seeded numbers; the columns past `cols` are padding.
std::vector<double> matrix(std::size_t rows, std::size_t ld, std::uint64_t seed) {
  const tg::Tensor t = tg::test::random_tensor({rows, ld}, tg::test::Domain::any, seed);
  return std::vector<double>(t.begin(), t.end());
}

}  // namespace

TEST_CASE("plain_gemm equals cblas_dgemm for every pair of transpose flags, shapes 1..9 and beta 0, 0.5") {
  std::uint64_t seed = 1;
  for (double beta : {0.0, 0.5})
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (std::size_t m : {1, 2, 5, 9})
          for (std::size_t n : {1, 3, 8})
            for (std::size_t k : {1, 4, 7}) {
              CAPTURE(beta);
              CAPTURE(ta);
              CAPTURE(tb);
              CAPTURE(m);
              CAPTURE(n);
              CAPTURE(k);
              const std::size_t a_rows = ta ? k : m, a_cols = ta ? m : k, b_rows = tb ? n : k,
                                b_cols = tb ? k : n;
              const std::size_t lda = a_cols + 2, ldb = b_cols + 1, ldc = n + 3;  // padded rows
              const std::vector<double> a = matrix(a_rows, lda, seed++), b = matrix(b_rows, ldb, seed++);
              std::vector<double> expected = matrix(m, ldc, seed++), got = expected;  // C's old values, for β
              cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                          int(m), int(n), int(k), 1.0, a.data(), int(lda), b.data(), int(ldb), beta,
                          expected.data(), int(ldc));
              tg::detail::plain_gemm(ta, tb, m, n, k, a.data(), lda, b.data(), ldb, beta, got.data(), ldc);
              for (std::size_t i = 0; i < m; ++i)
                for (std::size_t j = 0; j < n; ++j)  // the same sum, maybe in another order
                  CHECK(std::abs(got[i * ldc + j] - expected[i * ldc + j]) <= 1e-13);
            }
}

TEST_CASE("plain_gemm overwrites C (beta = 0) and leaves its padding alone") {
  const std::vector<double> a{1, 2, 3, 4}, b{5, 6, 7, 8};  // 2×2 each
  std::vector<double> c{99, 99, -1, 99, 99, -1};           // 2×2 with one padding column
  tg::detail::plain_gemm(false, false, 2, 2, 2, a.data(), 2, b.data(), 2, 0.0, c.data(), 3);
  CHECK(c == std::vector<double>{19, 22, -1, 43, 50, -1});
}
