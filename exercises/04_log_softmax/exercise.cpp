// Exercise 04: a numerically stable log_softmax and its backward.     <-- YOUR FILE: edit it
//
// THE TASK
//   (1) log_softmax_columns(x): along each column j, y_ij = x_ij − ln Σ_k e^{x_kj}.
//   (2) log_softmax_columns_backward(y, g): ∂C/∂x_kj = g_kj − softmax_kj Σ_i g_ij, softmax = e^y.
//
// HINTS
//   - e^{1000} overflows to infinity. Subtract each column's maximum c first:
//     ln Σ_k e^{x_k} = c + ln Σ_k e^{x_k − c}, where every exponent is ≤ 0.
//   - (2): ∂y_i/∂x_k = [i = k] − softmax_k. Sum over i of g_i times that.
//   - x(i, j) reads and writes element (i, j); x.shape()[0] is n, x.shape()[1] is m.
//   - Follows docs/derivatives.md (softmax, log_softmax); about 45 minutes.
//
// CHECK YOUR ANSWER
//   scripts/grade.sh 04
#include <stdexcept>

#include "log_softmax.hpp"

namespace tg::exercises {

Tensor log_softmax_columns([[maybe_unused]] const Tensor& x) {
  throw std::logic_error(
      "exercise: not written yet (exercises/04_log_softmax/exercise.cpp: log_softmax_columns)");
}

Tensor log_softmax_columns_backward([[maybe_unused]] const Tensor& y, [[maybe_unused]] const Tensor& g) {
  throw std::logic_error(
      "exercise: not written yet (exercises/04_log_softmax/exercise.cpp: log_softmax_columns_backward)");
}

}  // namespace tg::exercises
