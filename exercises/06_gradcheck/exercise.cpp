// Exercise 06: gradient checking by central differences.              <-- YOUR FILE: edit it
//
// THE TASK
//   Write the four functions of gradcheck.hpp, the check every op of tapegrad passes
//   (autodiff/gradcheck.cpp is the library's; try without reading it first):
//   (1) numeric_gradient: ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h for every element i
//   (2) relative_error:   |a − n| / max(|a|, |n|, floor)
//   (3) compare_gradients: ok, the first element whose relative error is above tolerance, and
//       the worst element and its error (a NaN is never ok, and counts as +∞)
//   (4) check_gradient: the engine's ∂C/∂x (backward on C = f(x)) against (1), compared by (3)
//
// HINTS
//   - e_i is the i-th unit vector: nudge element i of a copy of x, t.data()[i] in row-major
//     order, to x_i + h, then to x_i − h, and put it back before the next element.
//   - Why both sides: f(x ± h) = f ± h f′ + h²/2 f″ ± h³/6 f‴ + ..., so the difference of the two
//     cancels the f″ term: the error is h²/6 f‴. The one-sided (f(x + h) − f(x)) / h keeps
//     h/2 f″: with h = 1e-5 that is ~1e-5, as large as the tolerance.
//   - The floor: analytic 0 and numeric 1e-15 are equal for every purpose, but their plain
//     relative error is 1 (100 %).
//   - In (4): Variable leaf(x, true); f(leaf).backward(); leaf.grad() is ∂C/∂x. For the numeric
//     side, f(Variable(t)).item() under tg::no_grad (nothing needs recording).
//   - A check that always says "ok" fails the test: it is run on ops with wrong derivatives too.
//   - Follows docs/autodiff.md (gradcheck); about three quarters of an hour.
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 06
#include <stdexcept>

#include "gradcheck.hpp"

namespace tg::exercises {

Tensor numeric_gradient([[maybe_unused]] const std::function<double(const Tensor&)>& f,
                        [[maybe_unused]] const Tensor& x, [[maybe_unused]] double h) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/06_gradcheck/exercise.cpp, numeric_gradient)");
}

double relative_error([[maybe_unused]] double analytic, [[maybe_unused]] double numeric,
                      [[maybe_unused]] double floor) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/06_gradcheck/exercise.cpp, relative_error)");
}

GradientCheck compare_gradients([[maybe_unused]] const Tensor& analytic,
                                [[maybe_unused]] const Tensor& numeric, [[maybe_unused]] double tolerance,
                                [[maybe_unused]] double floor) {
  // ---- your code here: replace the line below ----
  throw std::logic_error(
      "exercise: not written yet (exercises/06_gradcheck/exercise.cpp, compare_gradients)");
}

GradientCheck check_gradient([[maybe_unused]] const std::function<Variable(const Variable&)>& f,
                             [[maybe_unused]] const Tensor& x, [[maybe_unused]] double h,
                             [[maybe_unused]] double tolerance, [[maybe_unused]] double floor) {
  // ---- your code here: replace the line below ----
  throw std::logic_error("exercise: not written yet (exercises/06_gradcheck/exercise.cpp, check_gradient)");
}

}  // namespace tg::exercises
