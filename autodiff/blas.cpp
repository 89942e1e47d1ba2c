#include "autodiff/blas.hpp"

#include <string>

#ifdef TG_PLAIN_GEMM  // the WebAssembly build: no BLAS there
#include "autodiff/plain_gemm.hpp"
#else
#include <cblas.h>  // not with xtensor-blas in one file: the two clash in xtensor 0.24

#include "autodiff/blas_threads.hpp"  // each product gets the threads its size pays for
#endif

#include <fmt/format.h>

#include "autodiff/error.hpp"

namespace tg {

namespace {
std::string operand_str(const Tensor& t, bool transposed) { return shape_str(t) + (transposed ? ".T" : ""); }
}  // namespace

Tensor gemm(const Tensor& a, bool ta, const Tensor& b, bool tb) {
  if (a.dimension() != 2 || b.dimension() != 2)
    throw shape_error(
        fmt::format("matmul: {} @ {}: operands must be 2-D", operand_str(a, ta), operand_str(b, tb)));
  const std::size_t m = ta ? a.shape()[1] : a.shape()[0], k = ta ? a.shape()[0] : a.shape()[1];
  const std::size_t kb = tb ? b.shape()[1] : b.shape()[0], n = tb ? b.shape()[0] : b.shape()[1];
  if (k != kb)
    throw shape_error(fmt::format("matmul: {} @ {}: inner dimensions {} and {} differ", operand_str(a, ta),
                                  operand_str(b, tb), k, kb));
  Tensor c = Tensor::from_shape({m, n});
  if (m == 0 || n == 0) return c;
  if (k == 0) {
    c.fill(0.0);
    return c;
  }
#ifdef TG_PLAIN_GEMM
  detail::plain_gemm(ta, tb, m, n, k, a.data(), a.shape()[1], b.data(), b.shape()[1], 0.0, c.data(), n);
#else
  use_blas_threads_for(m, n, k);
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0, a.data(),
              static_cast<int>(a.shape()[1]), b.data(), static_cast<int>(b.shape()[1]), 0.0, c.data(),
              static_cast<int>(n));
#endif
  return c;
}

void gemm_into(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, const double* a,
               const double* b, double beta, double* c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {  // an empty sum: C = β C
    for (std::size_t i = 0; i < m * n; ++i) c[i] = beta == 0.0 ? 0.0 : beta * c[i];
    return;
  }
#ifdef TG_PLAIN_GEMM
  detail::plain_gemm(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n, beta, c, n);
#else
  use_blas_threads_for(m, n, k);
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0, a,
              static_cast<int>(ta ? m : k), b, static_cast<int>(tb ? k : n), beta, c, static_cast<int>(n));
#endif
}

}  // namespace tg
