#include "autodiff/ops/linalg.hpp"

#include <cblas.h>  // not with xtensor-blas in one file: the two clash in xtensor 0.24

#include <fmt/format.h>

#include "autodiff/define_op.hpp"
#include "autodiff/error.hpp"
#include "autodiff/ops/shape.hpp"

namespace tg {

namespace {

std::string operand_str(const Tensor& t, bool transposed) {
  return shape_str(t) + (transposed ? ".T" : "");
}

// C = op(A) op(B) by one cblas_dgemm call into a new row-major result.
//   op(A): (m, k), op(B): (k, n) -> C: (m, n)
Tensor gemm(const Tensor& a, bool ta, const Tensor& b, bool tb) {
  const std::size_t m = ta ? a.shape()[1] : a.shape()[0], k = ta ? a.shape()[0] : a.shape()[1];
  const std::size_t kb = tb ? b.shape()[1] : b.shape()[0], n = tb ? b.shape()[0] : b.shape()[1];
  if (k != kb)
    throw shape_error(fmt::format("matmul: {} @ {}: inner dimensions {} and {} differ",
                                  operand_str(a, ta), operand_str(b, tb), k, kb));
  Tensor c = Tensor::from_shape({m, n});
  if (m == 0 || n == 0) return c;
  if (k == 0) {
    c.fill(0.0);
    return c;
  }
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0, a.data(),
              static_cast<int>(a.shape()[1]), b.data(), static_cast<int>(b.shape()[1]), 0.0,
              c.data(), static_cast<int>(n));
  return c;
}

}  // namespace

// Y = op(A) op(B). With G = ∂C/∂Y, the textbook rule for Y = A B is
//   ∂C/∂A = G Bᵀ,  ∂C/∂B = Aᵀ G.
// When an operand enters transposed, its gradient is the transpose of that rule:
//   ∂C/∂A = ta ? op(B) Gᵀ : G op(B)ᵀ,     ∂C/∂B = tb ? Gᵀ op(A) : op(A)ᵀ G
// and each of these is again one matmul with transpose flags (op(B)ᵀ = B read with !tb).
Variable matmul(const Variable& a, const Variable& b, bool ta, bool tb) {
  if (a.value().dimension() != 2 || b.value().dimension() != 2)
    throw shape_error(fmt::format("matmul: {} @ {}: transposed operands must both be 2-D",
                                  operand_str(a.value(), ta), operand_str(b.value(), tb)));
  return define_op("matmul", gemm(a.value(), ta, b.value(), tb), {
      {a, [ta, tb](const Backward& g) {
         return ta ? matmul(g.x(1), g.gy, tb, true) : matmul(g.gy, g.x(1), false, !tb);
       }},
      {b, [ta, tb](const Backward& g) {
         return tb ? matmul(g.gy, g.x(0), true, ta) : matmul(g.x(0), g.gy, !ta, false);
       }}});
}

Variable matmul(const Variable& a, const Variable& b) {
  const std::size_t ra = a.value().dimension(), rb = b.value().dimension();
  if (ra == 0 || rb == 0 || ra > 2 || rb > 2)
    throw shape_error(fmt::format("matmul: {} @ {}: operands must be 1-D or 2-D",
                                  shape_str(a.value()), shape_str(b.value())));
  if (ra == 2 && rb == 2) return matmul(a, b, false, false);
  // A vector is a 1×k row on the left, a k×1 column on the right; the extra axis is dropped after.
  const std::size_t ka = a.shape()[ra - 1], kb = b.shape()[0];
  if (ka != kb)  // checked here, so that the message shows the shapes as given
    throw shape_error(fmt::format("matmul: {} @ {}: inner dimensions {} and {} differ",
                                  shape_str(a.value()), shape_str(b.value()), ka, kb));
  const Variable a2 = ra == 1 ? reshape(a, {1, a.shape()[0]}) : a;
  const Variable b2 = rb == 1 ? reshape(b, {b.shape()[0], 1}) : b;
  const Variable y = matmul(a2, b2, false, false);
  Shape out;
  if (ra == 2) out.push_back(y.shape()[0]);
  if (rb == 2) out.push_back(y.shape()[1]);
  return reshape(y, out);
}

}  // namespace tg
