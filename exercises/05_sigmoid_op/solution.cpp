// Exercise 05, the reference solution (graded with scripts/grade.sh --solutions).
#include "sigmoid_op.hpp"

namespace tg::exercises {

// y = σ(x)        ∂C/∂x = gy ⊙ y ⊙ (1 − y)       (σ' = σ(1 − σ), written with the output)
// Variable ops throughout, so that with create_graph the engine records it.
Variable sigmoid_derivative(const Backward& ctx) { return ctx.gy * ctx.y * (1.0 - ctx.y); }

}  // namespace tg::exercises
