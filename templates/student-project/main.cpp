// Seed 002's network: its loss, the gradients backpropagation gives, and one of them checked
// against central finite differences by tg::gradcheck.
#include <vector>

#include <fmt/format.h>

#include "network.hpp"

int main() {
  using tg::Variable;
  Variable W1(seed002_W1, /*requires_grad=*/true), b1(seed002_b1, true);
  Variable W2(seed002_W2, true), b2(seed002_b2, true);
  const Variable x(seed002_x);

  Variable loss = seed002_loss(W1, b1, W2, b2, x, seed002_y);
  loss.backward();
  fmt::print("L = {:.6f}\n", loss.item());
  fmt::print("dL/dW[1] = {}\n", tg::format_tensor(W1.grad()));
  fmt::print("dL/dW[2] = {}\n", tg::format_tensor(W2.grad()));

  // dL/dW[1] (backpropagated through the hidden layer) against (L(w + ε) − L(w − ε)) / 2ε.
  const tg::Function f = [&](const std::vector<Variable>& in) {
    return seed002_loss(in[0], b1, W2, b2, x, seed002_y);
  };
  const tg::GradcheckResult check = tg::gradcheck(f, {seed002_W1});
  fmt::print("gradcheck dL/dW[1]: {} ({} entries, largest |analytic - numeric| {:.1e})\n",
             check ? "OK" : "FAILED", check.entries, check.max_abs_error);
  return check ? 0 : 1;
}
