// Example 4: adding an op. GELU, gelu(x) = x Φ(x), is defined in examples/gelu.hpp with
// tg::define_op, the mechanism every built-in op uses; this program checks it three ways:
//   1. its values and its first and second derivatives against the formulas worked out by hand,
//   2. gradcheck: the derivative against central finite differences,
//   3. gradgradcheck: the derivative of the derivative, the same way.
// docs/adding-an-op.md goes through it step by step. Exits with 1 if any check fails.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include <fmt/format.h>

#include "autodiff/autodiff.hpp"
#include "examples/gelu.hpp"

using tg::Tensor;
using tg::Variable;

namespace {

// The hand formulas, in plain doubles.
double normal_cdf(double x) { return 0.5 * (1.0 + std::erf(x / std::numbers::sqrt2)); }             // Φ(x)
double normal_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi); }  // φ(x)
double gelu_by_hand(double x) { return x * normal_cdf(x); }                                         // x Φ(x)
double gelu_prime_by_hand(double x) { return normal_cdf(x) + x * normal_pdf(x); }  // Φ + x φ
double gelu_second_by_hand(double x) { return normal_pdf(x) * (2.0 - x * x); }     // φ (2 − x²)

}  // namespace

int main() {
  bool ok = true;

  // 1. By hand. Each gelu(x_i) depends on x_i alone, so the gradient of Σ_i gelu(x_i) holds
  //    gelu'(x_i) at every i; with create_graph it is recorded and differentiated once more.
  const Tensor points{-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0};
  Variable x(points, /*requires_grad=*/true);
  Variable y = tg::examples::gelu(x);
  std::vector<Variable> dy = tg::grad({tg::sum(y)}, {x}, /*create_graph=*/true);  // gelu'(x)
  std::vector<Variable> d2y = tg::grad({tg::sum(dy[0])}, {x});                    // gelu''(x)

  fmt::print("{:>5}  {:>11} {:>11}  {:>11} {:>11}  {:>11} {:>11}\n", "x", "gelu(x)", "x Φ(x)", "gelu'(x)",
             "Φ + x φ", "gelu''(x)", "φ (2 − x²)");
  double worst = 0.0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double xi = points(i), v = y.value()(i), d = dy[0].value()(i), d2 = d2y[0].value()(i);
    const double hv = gelu_by_hand(xi), hd = gelu_prime_by_hand(xi), hd2 = gelu_second_by_hand(xi);
    fmt::print("{:5.1f}  {:11.8f} {:11.8f}  {:11.8f} {:11.8f}  {:11.8f} {:11.8f}\n", xi, v, hv, d, hd, d2,
               hd2);
    worst = std::max({worst, std::abs(v - hv), std::abs(d - hd), std::abs(d2 - hd2)});
  }
  const bool by_hand = worst <= 1e-12;
  fmt::print("largest difference from the hand formulas: {:.2e}\n", worst);
  fmt::print("by hand: {}\n", by_hand ? "OK" : "FAILED");
  ok = ok && by_hand;

  // 2. and 3. Finite differences, over a matrix of points on both sides of 0.
  auto f = [](const std::vector<Variable>& in) { return tg::examples::gelu(in[0]); };
  const Tensor x0{{-3.0, -1.5, -0.5, 0.0}, {0.25, 0.7, 1.3, 3.0}};

  const tg::GradcheckResult first = tg::gradcheck(f, {x0});
  fmt::print("gradcheck: {} Jacobian entries, largest |analytic − numeric| {:.2e}\n", first.entries,
             first.max_abs_error);
  if (first) fmt::print("gradcheck: OK\n");
  else fmt::print("gradcheck: FAILED: {}\n", first.report);

  const tg::GradcheckResult second = tg::gradgradcheck(f, {x0});
  fmt::print("gradgradcheck: {} Jacobian entries, largest |analytic − numeric| {:.2e}\n", second.entries,
             second.max_abs_error);
  if (second) fmt::print("gradgradcheck: OK\n");
  else fmt::print("gradgradcheck: FAILED: {}\n", second.report);

  ok = ok && first.ok && second.ok;
  return ok ? 0 : 1;
}
