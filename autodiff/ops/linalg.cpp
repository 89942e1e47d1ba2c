#include "autodiff/ops/linalg.hpp"

#include <fmt/format.h>

#include "autodiff/blas.hpp"
#include "autodiff/define_op.hpp"
#include "autodiff/error.hpp"
#include "autodiff/ops/shape.hpp"

namespace tg {
// The op table's layout, kept by hand: each input's derivative on its own line (docs/ quote it).
// clang-format off

namespace {
constexpr bool transposed = true, as_is = false;  // matmul's flags, named at the calls below
}  // namespace

// Y = op(A) op(B). With G = ∂C/∂Y, the textbook rule for Y = A B is
//   ∂C/∂A = G Bᵀ,  ∂C/∂B = Aᵀ G.
// When an operand enters transposed, its gradient is the transpose of that rule:
//   ∂C/∂A = ta ? op(B) Gᵀ : G op(B)ᵀ,     ∂C/∂B = tb ? Gᵀ op(A) : op(A)ᵀ G
// and each of these is again one matmul with transpose flags (op(B)ᵀ = B read with !tb).
Variable matmul(const Variable& a, const Variable& b, bool ta, bool tb) {
  return define_op("matmul", gemm(a.value(), ta, b.value(), tb), {
      {a, [ta, tb](const Backward& ctx) {
         return ta ? matmul(ctx.x(1), ctx.gy, tb, transposed) : matmul(ctx.gy, ctx.x(1), as_is, !tb);
       }},
      {b, [ta, tb](const Backward& ctx) {
         return tb ? matmul(ctx.gy, ctx.x(0), transposed, ta) : matmul(ctx.x(0), ctx.gy, !ta, as_is);
       }}});
}

Variable matmul(const Variable& a, const Variable& b) {
  const std::size_t ra = a.value().dimension(), rb = b.value().dimension();
  if (ra == 0 || rb == 0 || ra > 2 || rb > 2)
    throw shape_error(fmt::format("matmul: {} @ {}: operands must be 1-D or 2-D",
                                  shape_str(a.value()), shape_str(b.value())));
  if (ra == 2 && rb == 2) return matmul(a, b, as_is, as_is);
  // A vector is a 1×k row on the left, a k×1 column on the right; the extra axis is dropped after.
  const std::size_t ka = a.shape()[ra - 1], kb = b.shape()[0];
  if (ka != kb)  // checked here, so that the message shows the shapes as given
    throw shape_error(fmt::format("matmul: {} @ {}: inner dimensions {} and {} differ",
                                  shape_str(a.value()), shape_str(b.value()), ka, kb));
  const Variable a2 = ra == 1 ? reshape(a, {1, a.shape()[0]}) : a;
  const Variable b2 = rb == 1 ? reshape(b, {b.shape()[0], 1}) : b;
  const Variable y = matmul(a2, b2, as_is, as_is);
  Shape out;
  if (ra == 2) out.push_back(y.shape()[0]);
  if (rb == 2) out.push_back(y.shape()[1]);
  return reshape(y, out);
}

// clang-format on
}  // namespace tg
