// Example 07: why backpropagation is fast. One gradient by finite differences against one
// backward pass, timed on Nielsen's [784, 100, 10] network.
//
// What you learn: the cost C of a network depends on P parameters (79510 here). Finite
// differences find each ∂C/∂θ_i on its own, by nudging θ_i and running the network again:
//
//   ∂C/∂θ_i ≈ (C(θ + ε e_i) − C(θ − ε e_i)) / 2ε        2 forward passes per parameter, 2P in all
//
// Backpropagation finds all P at once: one forward pass that records what it computed, then one
// backward pass (BP1–BP4) that costs about as much again, since it does the same matrix products
// turned around (BP2's (W^{l+1})ᵀ δ^{l+1}, BP4's δ^l (a^{l−1})ᵀ). So a whole gradient costs a small
// constant times one evaluation of C — the "cheap gradient" principle of reverse-mode automatic
// differentiation — where finite differences cost 2P evaluations. The program measures both and
// prints the two ratios: gradient / forward pass (a small number) and finite differences /
// gradient (tens of thousands).
//
// Follows seed 003's setting (the gradient of a whole batch from its δ^l, then one update) and
// Nielsen's chapter 2, "In what sense is backpropagation a fast algorithm?".
//
//   layer 1: x = a^1                        (784, m)   m = 10 inputs in [0, 1]
//   layer 2: a^2 = σ(W^2 a^1 + b^2)         (100, m)   W^2: (100, 784), b^2: (100, 1)
//   layer 3: a^3 = softmax(W^3 a^2 + b^3)   (10, m)    W^3: (10, 100),  b^3: (10, 1)
//   C = −1/m Σ_x y · ln a^3                 the log-likelihood (tapegrad train's default)
//
// Usage:   07_cheap_gradient          finite differences timed on W^3, b^2, b^3 (1110 parameters,
//                                     about a second) and extrapolated to all 79510
//          07_cheap_gradient --all    finite differences on every parameter (about 10 seconds here)
//
// Build and run:   cmake --build build --target example_07_cheap_gradient && build/examples/07_cheap_gradient
#include <algorithm>
#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "autodiff/autodiff.hpp"
#include "nn/compare.hpp"  // difference: the largest relative difference of two gradients
#include "nn/train.hpp"

using namespace tg::nn;
using tg::Tensor;
using tg::Variable;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// The median time of one call of f over 7 rounds, each long enough (≥ 0.1 s) for the clock.
double median_seconds(const std::function<void()>& f) {
  std::size_t calls = 1;
  for (;;) {  // warm up, and find how many calls make a round
    const auto t0 = clock_type::now();
    for (std::size_t i = 0; i < calls; ++i) f();
    if (seconds_since(t0) >= 0.1) break;
    calls *= 2;
  }
  std::vector<double> per_call;
  for (int round = 0; round < 7; ++round) {
    const auto t0 = clock_type::now();
    for (std::size_t i = 0; i < calls; ++i) f();
    per_call.push_back(seconds_since(t0) / static_cast<double>(calls));
  }
  std::nth_element(per_call.begin(), per_call.begin() + 3, per_call.end());
  return per_call[3];
}

// A batch of m inputs in [0, 1] (784, m) and one-hot targets (10, m), seeded.
std::pair<Tensor, Tensor> batch(std::size_t m) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> pixel(0.0, 1.0);
  Tensor X = Tensor::from_shape({784, m}), Y = tg::filled({10, m}, 0.0);
  for (double& v : X) v = pixel(rng);
  for (std::size_t j = 0; j < m; ++j) Y(rng() % 10, j) = 1.0;
  return {X, Y};
}

// Multiply-adds in the matrix products of one forward pass and of one backward pass, for m
// examples and sizes N = {N^1, ..., N^L} (N[l − 1] is N^l).
std::pair<std::size_t, std::size_t> multiply_adds(const std::vector<std::size_t>& N, std::size_t m) {
  std::size_t forward = 0, backward = 0;
  for (std::size_t l = 2; l <= N.size(); ++l) {
    const std::size_t product = N[l - 1] * N[l - 2] * m;  // (N^l, N^{l−1}) times (N^{l−1}, m)
    forward += product;                                   // W^l A^{l−1}
    backward += product;                                  // (BP4) Δ^l (A^{l−1})ᵀ
    if (l >= 3) backward += product;  // (BP2) (W^l)ᵀ Δ^l, the error of layer l − 1 (none for the input layer)
  }
  return {forward, backward};
}

}  // namespace

int main(int argc, char** argv) {
  const bool all = argc > 1 && std::string(argv[1]) == "--all";
  if (argc > 2 || (argc == 2 && !all)) {
    fmt::print(stderr, "usage: 07_cheap_gradient [--all]\n");
    return 2;
  }
  tg::keep_freed_memory_for_reuse();  // as tapegrad train does (autodiff/memory.hpp)
  const std::size_t m = 10;
  Mlp net({784, 100, 10}, Activation::sigmoid, Activation::softmax, 1);
  const Cost c{CostKind::log_likelihood};
  const std::pair<Tensor, Tensor> data = batch(m);
  const Tensor &X = data.first, &Y = data.second;
  const std::vector<Variable> params = net.parameters();  // W^2, b^2, W^3, b^3
  std::size_t P = 0;
  for (const Variable& p : params) P += p.numel();
  fmt::print("[784,100,10] sigmoid, softmax, log-likelihood, on a batch of {} examples: {} parameters\n\n", m,
             P);

  // One evaluation of C, nothing recorded; one gradient, ∂C/∂θ for all θ by the engine.
  const double forward = median_seconds([&] { evaluate_cost(net, X, Y, c); });
  const double gradient = median_seconds([&] { gradients(net, X, Y, c); });
  const std::vector<Tensor> g = gradients(net, X, Y, c);

  // Central differences (autodiff/gradcheck.hpp), 2 forward passes per parameter: on every
  // parameter with --all, else on all but W^2 (its 78400 would take 98.6% of the time).
  std::size_t nudged = 0;
  double worst = 0.0;  // the largest relative difference from the gradient, parameter by parameter
  const auto t0 = clock_type::now();
  for (std::size_t i = all ? 0 : 1; i < params.size(); ++i) {
    const Tensor numeric = tg::central_differences(params[i], [&] { return evaluate_cost(net, X, Y, c); });
    worst = std::max(worst, difference(numeric, g[i]).max_rel);
    nudged += params[i].numel();
  }
  const double measured = seconds_since(t0), per_parameter = measured / static_cast<double>(nudged);
  const double finite_differences = per_parameter * static_cast<double>(P);

  // No padding around the timings: a line differs from one run to the next only in its numbers.
  fmt::print("one forward pass (C alone, nothing recorded): {:.1f} µs\n", forward * 1e6);
  fmt::print(
      "one gradient by backpropagation (forward + backward): {:.1f} µs = {:.2f} forward passes"
      " (the cheap gradient ratio)\n",
      gradient * 1e6, gradient / forward);
  fmt::print("one gradient by finite differences: 2 forward passes per parameter, {} in all\n", 2 * P);
  fmt::print("  timed on {} parameters ({} forward passes): {:.3f} s = {:.1f} µs a parameter\n", nudged,
             2 * nudged, measured, per_parameter * 1e6);
  fmt::print("  all {} parameters ({}): {:.3f} s\n", P, all ? "measured" : "extrapolated",
             finite_differences);
  const auto [forward_madds, backward_madds] = multiply_adds(net.sizes(), m);
  fmt::print("\nmultiply-adds in the matrix products: forward {}, backward {} ({:.2f} forward passes)\n",
             forward_madds, backward_madds,
             static_cast<double>(backward_madds) / static_cast<double>(forward_madds));
  fmt::print("backpropagation is {:.0f} times faster than finite differences\n",
             finite_differences / gradient);
  fmt::print("finite differences and backpropagation differ by a relative {:.1e} at most\n", worst);

  // The program checks what it claims: the two gradients agree to the truncation error of
  // central differences, and backpropagation wins by orders of magnitude.
  const bool agree = worst<1e-6, faster = finite_differences> 100.0 * gradient;
  if (!agree || !faster) {
    fmt::print("UNEXPECTED: {}\n", !agree ? "the gradients disagree" : "backpropagation is not much faster");
    return 1;
  }
  return 0;
}
