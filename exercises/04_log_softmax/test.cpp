// Exercise 04's check: your log_softmax against tapegrad's tg::log_softmax on random columns,
// small and around ±1000 (where the formula as written overflows), and your backward against
// the engine's gradient. Run: scripts/grade.sh 04
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "autodiff/autodiff.hpp"
#include "check.hpp"
#include "log_softmax.hpp"

namespace ex = tg::exercises;
using tg::Tensor;
using tg::Variable;

namespace {

const char* const forward_hint =
    "subtract each column's maximum c first: ln Σ e^{x_k} = c + ln Σ e^{x_k − c}";
const char* const backward_hint = "∂C/∂x_k = g_k − e^{y_k} Σ_i g_i, per column";

// The engine's log_softmax along axis 0 (down each column), its value and ∂(Σ g ⊙ y)/∂x.
std::pair<Tensor, Tensor> engine(const Tensor& x0, const Tensor& g) {
  Variable x(x0, true);
  const Variable y = tg::log_softmax(x, 0);
  tg::sum(Variable(g) * y).backward();
  return {y.value(), x.grad()};
}

void check_both(double lo, double hi, std::uint64_t use, const std::string& what) {
  std::mt19937_64 rng = ex::rng_for(use);
  for (int c = 0; c < 3; ++c) {
    const std::size_t n = ex::random_size(rng, 2, 6), m = ex::random_size(rng, 1, 4);
    const Tensor x = ex::random_tensor({n, m}, lo, hi, rng), g = ex::random_tensor({n, m}, -1, 1, rng);
    const auto [y, dx] = engine(x, g);
    const std::string input = "a random x (" + std::to_string(n) + "," + std::to_string(m) + ") " + what;
    ex::expect_close("log_softmax", input, ex::log_softmax_columns(x), y, forward_hint, 1e-12);
    ex::expect_close("∂C/∂x", input + ", g random", ex::log_softmax_columns_backward(y, g), dx, backward_hint,
                     1e-10);
  }
}

}  // namespace

TEST_CASE("04 log_softmax: (1) small inputs, against tg::log_softmax") {
  std::mt19937_64 rng = ex::rng_for(401);
  const Tensor x = ex::random_tensor({4, 3}, -3.0, 3.0, rng);
  ex::expect_close("log_softmax", "a random x (4,3) in [−3, 3]", ex::log_softmax_columns(x),
                   tg::log_softmax(Variable(x), 0).value(), forward_hint, 1e-12);
}

TEST_CASE("04 log_softmax: (1) inputs around 1000, without overflow") {
  std::mt19937_64 rng = ex::rng_for(402);
  const Tensor x = ex::random_tensor({5, 2}, 995.0, 1005.0, rng);
  ex::expect_close("log_softmax", "a random x (5,2) in [995, 1005]", ex::log_softmax_columns(x),
                   tg::log_softmax(Variable(x), 0).value(), forward_hint, 1e-12);
}

TEST_CASE("04 log_softmax: (2) the backward, against the engine") {
  check_both(-3.0, 3.0, 403, "in [−3, 3]");
}

TEST_CASE("04 log_softmax: (1)+(2) both, in [−1000, 1000]") {
  check_both(-1000.0, 1000.0, 404, "in [−1000, 1000]");
}
