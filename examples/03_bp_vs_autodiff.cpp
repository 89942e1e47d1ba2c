// Example 03: the four equations of backpropagation, by hand, against the autodiff engine.
//
// What you learn: BP1–BP4 are all the engine needs to know about a feed-forward network.
// Here they are written out as plain matrix arithmetic (no autodiff), layer by layer, with
// every intermediate printed: δ^L, then δ^l for the hidden layers, then ∂C/∂b^l and ∂C/∂W^l.
// The engine, which knows nothing of these equations (only each op's local derivative), then
// computes the same numbers, and they agree to rounding: about 1e-16 relative.
//
// Follows seeds 000 and 001 (Nielsen's chapter 2): a sigmoid network with the quadratic cost
//   C = 1/(2m) Σ_x ‖a^L(x) − y(x)‖²
// and, in Nielsen's notation (W^l: (N^l, N^{l−1}), one column per example),
//   (BP1) δ^L = ∇_a C ⊙ σ'(z^L)                 here ∇_a C = (a^L − y)/m
//   (BP2) δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l)
//   (BP3) ∂C/∂b^l = δ^l                          summed over the batch's columns
//   (BP4) ∂C/∂W^l = δ^l (a^{l−1})ᵀ                the product sums over the batch
//
// Build and run:   cmake --build build --target example_03_bp_vs_autodiff && build/examples/03_bp_vs_autodiff
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "autodiff/autodiff.hpp"
#include "autodiff/elementwise.hpp"  // tg::map, tg::zip: elementwise loops on plain Tensors
#include "nn/backprop.hpp"
#include "nn/compare.hpp"

using namespace tg::nn;
using tg::Tensor;
using tg::Variable;

namespace {

// Plain-tensor helpers, so that the equations below read like the formulas.
Tensor hadamard(const Tensor& a, const Tensor& b) {
  return tg::zip("⊙", a, b, std::multiplies<>());
}  // a ⊙ b
Tensor minus(const Tensor& a, const Tensor& b) { return tg::zip("−", a, b, std::minus<>()); }  // a − b
Tensor times(double s, const Tensor& a) {
  return tg::map(a, [s](double v) { return s * v; });
}  // s a
Tensor sigmoid_prime(const Tensor& z) {  // σ'(z) = σ(z)(1 − σ(z))
  return tg::map(z, [](double v) {
    const double s = 1.0 / (1.0 + std::exp(-v));
    return s * (1.0 - s);
  });
}

// A matrix, one row per line, indented.
void print_matrix(const std::string& title, const Tensor& t) {
  fmt::print("{}   {}\n", title, tg::shape_str(t));
  for (std::size_t i = 0; i < t.shape()[0]; ++i) {
    fmt::print("    [");
    for (std::size_t j = 0; j < t.shape()[1]; ++j) fmt::print("{:>13.9f}", t(i, j));
    fmt::print(" ]\n");
  }
}

// max_i |a_i − b_i|
double max_abs_diff(const Tensor& a, const Tensor& b) { return difference(a, b).max_abs; }

// The network's quantities by hand, indexed by Nielsen's layer numbers ([0], and z[1], δ[1],
// ∂C/∂W^1, ∂C/∂b^1 unused).
struct ByHand {
  std::vector<Tensor> z, a, delta, dW, db;
};

// ---- Forward pass: z^l = W^l a^{l−1} + b^l, a^l = σ(z^l), a^1 = x ----------------------------
void forward_pass(const Mlp& net, const Tensor& X, ByHand& h) {
  const std::size_t L = net.num_layers();
  h.z.assign(L + 1, Tensor{});
  h.a.assign(L + 1, Tensor{});
  h.a[1] = X;
  for (std::size_t l = 2; l <= L; ++l) {
    const Tensor& W = net.layer(l).W.value();
    const Tensor& b = net.layer(l).b.value();
    h.z[l] = tg::zip("+", tg::gemm(W, false, h.a[l - 1], false), b,
                     std::plus<>());  // W^l a^{l−1} + b^l (b broadcast over columns)
    h.a[l] = tg::map(h.z[l], [](double v) { return 1.0 / (1.0 + std::exp(-v)); });  // σ(z^l)
  }
}

// ---- Backward pass: BP1, BP2, then BP3 and BP4 ----------------------------------------------
void backward_pass(const Mlp& net, const Tensor& Y, double m, ByHand& h) {
  const std::size_t L = net.num_layers();
  h.delta.assign(L + 1, Tensor{});
  h.dW.assign(L + 1, Tensor{});
  h.db.assign(L + 1, Tensor{});

  // (BP1) δ^L = ∇_a C ⊙ σ'(z^L), with ∇_a C = (a^L − y)/m for the quadratic cost.    (2, m)
  h.delta[L] = hadamard(times(1.0 / m, minus(h.a[L], Y)), sigmoid_prime(h.z[L]));
  print_matrix("(BP1) delta^4 = (a^4 − y)/m ⊙ σ'(z^4)", h.delta[L]);

  // (BP2) δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l), from l = L−1 down to 2.
  // (W^{l+1})ᵀ: (N^l, N^{l+1}),  δ^{l+1}: (N^{l+1}, m)  ->  δ^l: (N^l, m)
  for (std::size_t l = L - 1; l >= 2; --l) {
    const Tensor back = tg::gemm(net.layer(l + 1).W.value(), /*transpose_a=*/true, h.delta[l + 1], false);
    h.delta[l] = hadamard(back, sigmoid_prime(h.z[l]));
    print_matrix(fmt::format("(BP2) delta^{} = ((W^{})ᵀ delta^{}) ⊙ σ'(z^{})", l, l + 1, l + 1, l),
                 h.delta[l]);
  }
  fmt::print("\n");

  for (std::size_t l = 2; l <= L; ++l) {
    // (BP3) ∂C/∂b^l = δ^l, one column per example: the batch's gradient is their sum.   (N^l, 1)
    h.db[l] = tg::sum_to(h.delta[l], {net.sizes()[l - 1], 1});
    // (BP4) ∂C/∂W^l = δ^l (a^{l−1})ᵀ: (N^l, m)(m, N^{l−1}) -> (N^l, N^{l−1}); sums over examples too.
    h.dW[l] = tg::gemm(h.delta[l], false, h.a[l - 1], /*transpose_b=*/true);
    print_matrix(fmt::format("(BP3) dC/db^{} = delta^{} summed over the batch", l, l), h.db[l]);
    print_matrix(fmt::format("(BP4) dC/dW^{} = delta^{} (a^{})ᵀ", l, l, l - 1), h.dW[l]);
  }
}

// ---- nn::backprop does the same (nn/backprop.cpp, each line tagged (BP1)…(BP4)) --------------
// Returns the largest |difference| between it and the hand-written lines above.
double against_nn_backprop(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& cost,
                           const ByHand& h) {
  const BackpropResult bp = backprop(net, X, Y, cost);
  double vs_nn = 0.0;
  for (std::size_t l = 2; l <= net.num_layers(); ++l)
    vs_nn = std::max({vs_nn, max_abs_diff(h.delta[l], bp.delta[l]), max_abs_diff(h.dW[l], bp.dW[l]),
                      max_abs_diff(h.db[l], bp.db[l])});
  fmt::print("\nthe same equations in nn::backprop: largest |difference| {:.1e}\n", vs_nn);
  return vs_nn;
}

// ---- The engine: record the forward pass, C.backward() ----------------------------------------
// It never sees BP1–BP4: only each op's local derivative (matmul, +, sigmoid, pow, sum...).
// retain_grad on z^l keeps ∂C/∂z^l = δ^l, which the engine would otherwise drop.
// Returns the largest |difference| between the engine's gradients and the hand-written ones.
double against_the_engine(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& cost,
                          const ByHand& h) {
  const std::size_t L = net.num_layers();
  Mlp::Trace trace = net.forward_trace(Variable(X));
  for (std::size_t l = 2; l <= L; ++l) trace.z[l].retain_grad();
  Variable C = tg::nn::cost(cost, net, trace, Y);
  for (const Variable& p : net.parameters()) p.zero_grad();
  C.backward();

  fmt::print("\nBP1–BP4 by hand against the engine (largest |difference|, per quantity):\n");
  double worst = 0.0;
  for (std::size_t l = L; l >= 2; --l) {
    const double d = max_abs_diff(h.delta[l], trace.z[l].grad());
    const double w = max_abs_diff(h.dW[l], net.layer(l).W.grad());
    const double b = max_abs_diff(h.db[l], net.layer(l).b.grad());
    worst = std::max({worst, d, w, b});
    fmt::print("  layer {}:  delta^{} {:.1e}   dC/dW^{} {:.1e}   dC/db^{} {:.1e}\n", l, l, d, l, w, l, b);
  }
  print_matrix("\nthe engine's dC/dW^2, for comparison with (BP4) above", net.layer(2).W.grad());
  return worst;
}

}  // namespace

int main() {
  // A [3, 4, 3, 2] network: L = 4, two hidden layers (so BP2 runs twice), sigmoid everywhere.
  // W^2: (4, 3), W^3: (3, 4), W^4: (2, 3);  b^l: (N^l, 1). Weights N(0, 1) from seed 7.
  const Mlp net({3, 4, 3, 2}, Activation::sigmoid, Activation::sigmoid, /*seed=*/7, Init::normal);
  const Cost cost{CostKind::quadratic};  // C = 1/(2m) Σ ‖a^L − y‖²

  // A batch of m = 2 examples, one per column.   X: (3, 2), Y: (2, 2)
  const Tensor X = {{0.5, -1.0}, {0.2, 0.3}, {-0.7, 0.9}};
  const Tensor Y = {{1.0, 0.0}, {0.0, 1.0}};
  const double m = 2.0;
  fmt::print("network [3, 4, 3, 2], sigmoid, quadratic cost C = 1/(2m) Σ‖a^L − y‖², batch of m = 2\n\n");

  ByHand h;
  forward_pass(net, X, h);
  print_matrix("a^4 (the output)", h.a[net.num_layers()]);
  print_matrix("y", Y);
  fmt::print("\n");
  backward_pass(net, Y, m, h);
  const double vs_nn = against_nn_backprop(net, X, Y, cost, h);
  const double worst = against_the_engine(net, X, Y, cost, h);

  // ---- nn::compare: the same comparison as a report, relative to each gradient's size --------
  fmt::print("\nnn::compare (BP1–BP4 vs autodiff vs central finite differences):\n");
  CompareOptions options;
  options.numeric = true;  // finite differences too
  const CompareReport report = compare(net, X, Y, cost, options);
  fmt::print("{}", format_report(report));

  // Rounding alone separates the two: a few units in the 16th digit. Finite differences,
  // limited by the step ε = 1e-6, agree to about 1e-8 only.
  const bool agree = vs_nn <= 1e-15 && worst <= 1e-15 && report.max_rel_autodiff() <= 1e-13 &&
                     report.max_rel_numeric() <= 1e-6;
  fmt::print("\n{}\n", agree ? "BP1–BP4 and autodiff agree" : "MISMATCH between BP1–BP4 and autodiff");
  return agree ? 0 : 1;
}
