// Exercise 04, a plausible wrong answer: log_softmax straight from the definition,
// ln(e^{x_i} / Σ_k e^{x_k}), without subtracting the maximum: right for small x, but e^{1000}
// overflows to infinity and the result is NaN. The backward is right.
#include <cmath>

#include "log_softmax.hpp"

namespace tg::exercises {

Tensor log_softmax_columns(const Tensor& x) {
  Tensor y = x;
  for (std::size_t j = 0; j < x.shape()[1]; ++j) {
    double s = 0.0;
    for (std::size_t k = 0; k < x.shape()[0]; ++k) s += std::exp(x(k, j));  // the slip: no max subtracted
    for (std::size_t i = 0; i < x.shape()[0]; ++i) y(i, j) = std::log(std::exp(x(i, j)) / s);
  }
  return y;
}

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
