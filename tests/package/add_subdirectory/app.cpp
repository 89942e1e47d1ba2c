// The consumers' program (this directory's and fetchcontent/'s): y = x², dy/dx = 2x = 6 at x = 3.
// It includes the engine's headers, which need C++20 (std::span), without asking for it.
#include <fmt/format.h>

#include "autodiff/autodiff.hpp"

int main() {
  tg::Variable x(tg::scalar_tensor(3.0), /*requires_grad=*/true);
  tg::Variable y = x * x;
  y.backward();
  fmt::print("dy/dx = {}\n", x.grad().data()[0]);
  return x.grad().data()[0] == 6.0 ? 0 : 1;
}
