// Exercise 05: the derivative of an op made with tg::define_op.       <-- YOUR FILE: edit it
//
// THE TASK
//   sigmoid_op.hpp defines the op y = my_sigmoid(x) = σ(x) = 1/(1 + e^{−x}) with tg::define_op,
//   the mechanism every built-in op uses (autodiff/define_op.hpp). Its value is there; its
//   derivative is missing. Write sigmoid_derivative below: it receives ctx with
//     ctx.gy    ∂C/∂y, the gradient arriving at the output     (y's shape)
//     ctx.y     the output y = σ(x)
//     ctx.x(0)  the input x
//   and returns ∂C/∂x, the vector-Jacobian product (∂y/∂x)ᵀ ∂C/∂y. σ acts elementwise, so its
//   Jacobian is diagonal and
//
//     ∂C/∂x = ∂C/∂y ⊙ σ'(x),      σ'(x) = σ(x) (1 − σ(x))
//
// HINTS
//   - σ' is a function of the output: use ctx.y rather than computing e^{−x} again.
//   - Write it with Variable ops (*, -, 1.0 - v, ...: autodiff/ops/arithmetic.hpp), not with
//     loops over Tensors wrapped in a Variable at the end. With create_graph = true the engine
//     records your derivative as it runs it, so that it can be differentiated again (the
//     Hessian-vector products of examples/05_newton_hvp.cpp). A derivative computed on plain
//     numbers gives the right first derivative, but its second derivative comes out as 0:
//     gradgradcheck catches that.
//   - Compare with tg::tanh's derivative in autodiff/ops/math.cpp: gy ⊙ (1 − y²).
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 05     (or: cmake --build build && ctest --test-dir build -R exercises/05 --output-on-failure)
//   The test (test.cpp) runs tg::gradcheck (your ∂C/∂x against central differences) and
//   tg::gradgradcheck (the derivative of your derivative) on random inputs of several shapes,
//   and compares with the built-in tg::sigmoid.
#include <stdexcept>

#include "sigmoid_op.hpp"

namespace tg::exercises {

Variable sigmoid_derivative([[maybe_unused]] const Backward& ctx) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/05_sigmoid_op/exercise.cpp)");
}

}  // namespace tg::exercises
