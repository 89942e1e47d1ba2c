// Example 01: the chain rule on one sigmoid neuron, by hand and by the engine.
//
// What you learn: backpropagation is the chain rule, applied one link at a time from the cost
// back to every parameter. The engine records each op as it runs (the tape) and, in backward,
// multiplies the same local derivatives you write on paper, in reverse order, so its numbers
// are yours to the last digit or two. And when a value reaches the cost along two paths, the
// chain rule adds the two contributions, and so does backward.
//
// Follows seed 001 (Nielsen's BP1, BP3, BP4) on the smallest network there is: one input and
// one sigmoid neuron, L = 2, N^1 = N^2 = 1, so every W, b, z, a is a single number:
//
//   z = w x + b            the weighted input
//   a = σ(z)               the activation, σ(z) = 1 / (1 + e^{−z})
//   C = ½ (a − y)²         the quadratic cost of one example (seed 001, with n = 1)
//
// Build and run:   cmake --build build --target example_01_chain_rule && build/examples/01_chain_rule
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "autodiff/autodiff.hpp"

using tg::Tensor;
using tg::Variable;

namespace {

// The one number of a 0-d tensor (a scalar's value or gradient).
double scalar(const Tensor& t) { return t.data()[0]; }

// One row of the table: the derivative by hand, by the engine, and whether they agree to
// rounding (a few units in the last place of a double).
bool row(const char* name, const char* formula, double hand, double engine) {
  const double diff = std::abs(hand - engine);
  const bool ok = diff <= 1e-14 * std::max(1.0, std::abs(hand));
  fmt::print("{:<8} = {:<24} hand {:>20.16f}   engine {:>20.16f}   |diff| {:.1e}{}\n", name, formula, hand,
             engine, diff, ok ? "" : "   <-- MISMATCH");
  return ok;
}

}  // namespace

int main() {
  bool ok = true;

  // ---- Part 1: one neuron, C = ½(σ(w x + b) − y)² ------------------------------------------
  const double x0 = 1.5, w0 = 0.8, b0 = -0.5, y = 1.0;
  fmt::print("Part 1: one sigmoid neuron, z = w x + b, a = σ(z), C = ½(a − y)²\n");
  fmt::print("  x = {}, w = {}, b = {}, y = {}\n\n", x0, w0, b0, y);

  // By hand: the forward pass, then the chain rule link by link.
  const double z = w0 * x0 + b0;                // z = w x + b
  const double a = 1.0 / (1.0 + std::exp(-z));  // a = σ(z)
  const double C = 0.5 * (a - y) * (a - y);     // C = ½(a − y)²
  const double dC_da = a - y;                   // ∂C/∂a = a − y
  const double sigma_prime = a * (1.0 - a);     // σ'(z) = σ(z)(1 − σ(z)) = a(1 − a)
  const double delta = dC_da * sigma_prime;     // δ = ∂C/∂z = ∂C/∂a · σ'(z)      (BP1)
  const double dC_db = delta * 1.0;             // ∂C/∂b = δ · ∂z/∂b = δ          (BP3)
  const double dC_dw = delta * x0;              // ∂C/∂w = δ · ∂z/∂w = δ x        (BP4)
  const double dC_dx = delta * w0;  // ∂C/∂x = δ · ∂z/∂x = w δ   (BP2's Wᵀδ, one layer further back)

  // By the engine: the same forward pass on Variables records the graph; backward plays it in
  // reverse. requires_grad = true asks for ∂C/∂(that leaf); retain_grad keeps the gradient of
  // an intermediate value (z, a), which the engine otherwise drops once it has passed it on.
  Variable x(x0, /*requires_grad=*/true), w(w0, true), b(b0, true);
  Variable zv = w * x + b;
  Variable av = tg::sigmoid(zv);
  Variable Cv = 0.5 * tg::pow(av - y, 2.0);
  zv.retain_grad();
  av.retain_grad();
  Cv.backward();  // C is one number, so its seed is ∂C/∂C = 1

  fmt::print("forward:  z = {:.16f}   a = {:.16f}   C = {:.16f}   (engine: C = {:.16f})\n\n", z, a, C,
             Cv.item());
  ok &= std::abs(C - Cv.item()) <= 1e-15;
  ok &= row("dC/da", "a − y", dC_da, scalar(av.grad()));
  ok &= row("dC/dz", "(a − y) a (1 − a)", delta, scalar(zv.grad()));
  ok &= row("dC/db", "δ", dC_db, scalar(b.grad()));
  ok &= row("dC/dw", "δ x", dC_dw, scalar(w.grad()));
  ok &= row("dC/dx", "δ w", dC_dx, scalar(x.grad()));

  // ---- Part 2: a value used twice, C₂ = (w x + b)² · w --------------------------------------
  // w reaches C₂ along two paths: through u = w x + b and directly. The multivariable chain
  // rule adds them:  ∂C₂/∂w = ∂C₂/∂u · ∂u/∂w + ∂C₂/∂w|_direct = 2u w · x + u².
  // The engine gets the same by accumulating (+=) into w's gradient once per path.
  fmt::print("\nPart 2: a value used twice, C₂ = u² · w with u = w x + b\n");
  const double u = w0 * x0 + b0;
  const double dC2_dw = 2.0 * u * w0 * x0 + u * u;  // path through u + direct path
  const double dC2_db = 2.0 * u * w0;               // one path: ∂C₂/∂u · ∂u/∂b
  Variable w2(w0, true), b2(b0, true);
  Variable u2 = w2 * x0 + b2;
  Variable C2 = u2 * u2 * w2;
  C2.backward();
  ok &= row("dC2/dw", "2u w x + u²", dC2_dw, scalar(w2.grad()));
  ok &= row("dC2/db", "2u w", dC2_db, scalar(b2.grad()));

  fmt::print("\n{}\n",
             ok ? "chain rule: hand and engine agree" : "chain rule: MISMATCH between hand and engine");
  return ok ? 0 : 1;
}
