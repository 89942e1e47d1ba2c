#include "autodiff/ops/linalg.hpp"

#include <fmt/format.h>

#include "autodiff/blas.hpp"
#include "autodiff/define_op.hpp"
#include "autodiff/error.hpp"
#include "autodiff/ops/shape.hpp"

namespace tg {

// Y = op(A) op(B). With G = ∂C/∂Y, the textbook rule for Y = A B is
//   ∂C/∂A = G Bᵀ,  ∂C/∂B = Aᵀ G.
// When an operand enters transposed, its gradient is the transpose of that rule:
//   ∂C/∂A = ta ? op(B) Gᵀ : G op(B)ᵀ,     ∂C/∂B = tb ? Gᵀ op(A) : op(A)ᵀ G
// and each of these is again one matmul with transpose flags (op(B)ᵀ = B read with !tb).
Variable matmul(const Variable& a, const Variable& b, bool ta, bool tb) {
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
