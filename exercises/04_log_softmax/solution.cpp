// Exercise 04, the reference solution (graded with scripts/grade.sh --solutions).
#include <algorithm>
#include <cmath>

#include "log_softmax.hpp"

namespace tg::exercises {

// ln Σ_k e^{x_k} = c + ln Σ_k e^{x_k − c} with c = max_k x_k: every exponent ≤ 0, no overflow.
Tensor log_softmax_columns(const Tensor& x) {
  Tensor y = x;
  for (std::size_t j = 0; j < x.shape()[1]; ++j) {
    double c = x(0, j), s = 0.0;
    for (std::size_t k = 1; k < x.shape()[0]; ++k) c = std::max(c, x(k, j));
    for (std::size_t k = 0; k < x.shape()[0]; ++k) s += std::exp(x(k, j) - c);
    for (std::size_t i = 0; i < x.shape()[0]; ++i) y(i, j) = x(i, j) - (c + std::log(s));
  }
  return y;
}

// ∂y_i/∂x_k = [i = k] − softmax_k, so ∂C/∂x_k = g_k − softmax_k Σ_i g_i.
Tensor log_softmax_columns_backward(const Tensor& y, const Tensor& g) {
  Tensor dx = g;
  for (std::size_t j = 0; j < y.shape()[1]; ++j) {
    double sum_g = 0.0;
    for (std::size_t i = 0; i < y.shape()[0]; ++i) sum_g += g(i, j);
    for (std::size_t k = 0; k < y.shape()[0]; ++k) dx(k, j) = g(k, j) - std::exp(y(k, j)) * sum_g;
  }
  return dx;
}

}  // namespace tg::exercises
