// The errata of the five seed texts (docs/errata.md): for every slip in a formula, the formula
// as the seed prints it disagrees with the engine and the corrected one agrees. One test case
// per erratum, named "seed 00N slip: ..." as the page names it. Layer numbers are Nielsen's
// (layer 1 is the input); the seeds' own numbers are in the comments.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "autodiff/autodiff.hpp"
#include "autodiff/elementwise.hpp"
#include "nn/backprop.hpp"
#include "nn/optimizer.hpp"
#include "nn/train.hpp"
#include "support/engine_gradients.hpp"
#include "support/nets.hpp"

using namespace tg::nn;
using tg::Shape;
using tg::Tensor;
using tg::Variable;
using tg::test::autodiff_deltas;
using tg::test::autodiff_grads;
using tg::test::rel;
using tg::test::seed002_net;
using tg::test::sigmoid_prime_of;

namespace {

constexpr Activation sigmoid = Activation::sigmoid;
const Cost quad{CostKind::quadratic};

Tensor random_input(std::size_t n, std::size_t m, std::uint64_t seed) {
  return tg::test::random_tensor({n, m}, tg::test::Domain::any, seed);
}
Tensor quadratic_targets(std::size_t n, std::size_t m, std::uint64_t seed) {
  return tg::test::targets_for(CostKind::quadratic, sigmoid, n, m, seed);
}

Tensor column_of(const Tensor& X, std::size_t i) {  // x^(i): column i, shape (n, 1)
  Tensor x = Tensor::from_shape({X.shape()[0], 1});
  for (std::size_t r = 0; r < X.shape()[0]; ++r) x(r, 0) = X(r, i);
  return x;
}

Tensor times(const Tensor& a, const Tensor& b) {
  return tg::zip("errata", a, b, std::multiplies<>());
}  // a ⊙ b
Tensor scaled(const Tensor& a, double s) {
  return tg::map(a, [s](double v) { return s * v; });
}

// C of `net` with bias b^l_j moved by dz: the demon's Δz^l_j on z^l_j (z^l = W^l a^{l−1} + b^l).
double cost_with_nudge(const Mlp& net, std::size_t l, std::size_t j, double dz, const Tensor& x,
                       const Tensor& y) {
  const Mlp nudged = net.copy();
  nudged.layer(l).b.mutable_value()(j, 0) += dz;
  return evaluate_cost(nudged, x, y, quad);
}

}  // namespace

// ---- Seed 000 ----

TEST_CASE("seed 000 slip: the cost sums ‖y^(i) − h(x^(i))‖², not ‖y^(i) − h^(i)(x)‖² of one x") {
  const Mlp net({3, 4, 2}, sigmoid, sigmoid, 21, Init::normal);
  const std::size_t m = 5;
  const Tensor X = random_input(3, m, 21), Y = quadratic_targets(2, m, 22);
  const double engine = evaluate_cost(net, X, Y, quad);  // 1/(2m) Σ_i ‖a^L(x^(i)) − y^(i)‖²
  const Tensor H = predict(net, X);                      // column i: h(x^(i))
  const Tensor h = predict(net, column_of(X, 0));        // h(x) of one x, the same in every term
  double corrected = 0.0, printed = 0.0;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < 2; ++j) {
      corrected += std::pow(Y(j, i) - H(j, i), 2);
      printed += std::pow(Y(j, i) - h(j, 0), 2);
    }
  corrected /= 2.0 * m;
  printed /= 2.0 * m;
  CHECK(corrected == doctest::Approx(engine).epsilon(1e-14));
  CHECK(std::abs(printed - engine) > 0.02 * engine);
}

TEST_CASE("seed 000 slip: z_k^(l+1) = Σ_j w_kj a_j + b_k, not w_kj a_j + b_k without the Σ") {
  const Mlp net({3, 4, 2}, sigmoid, sigmoid, 23, Init::normal);
  const Tensor x = random_input(3, 1, 23), y = quadratic_targets(2, 1, 24);
  const BackpropResult bp = backprop(net, x, y, quad);
  const Tensor& W = net.layer(3).W.value();  // (2, 4)
  const Tensor& b = net.layer(3).b.value();
  const Tensor& a = bp.a[2];
  for (std::size_t k = 0; k < 2; ++k) {
    CAPTURE(k);
    double sum = b(k, 0);
    for (std::size_t j = 0; j < 4; ++j) {
      sum += W(k, j) * a(j, 0);
      const double printed = W(k, j) * a(j, 0) + b(k, 0);  // one term: not z_k for any j
      CHECK(std::abs(printed - bp.z[3](k, 0)) > 1e-3 * std::abs(bp.z[3](k, 0)));
    }
    CHECK(sum == doctest::Approx(bp.z[3](k, 0)).epsilon(1e-14));
  }
  // The derivative the seed takes of it, ∂z_k/∂a_j = w_kj, is right all the same: the terms the
  // Σ adds do not depend on a_j. The engine's ∂z^3_k/∂a^2, as a column, is row k of W^3.
  Mlp::Trace t = net.forward_trace(Variable(x));
  for (std::size_t k = 0; k < 2; ++k) {
    Tensor e = tg::filled({2, 1}, 0.0);
    e(k, 0) = 1.0;
    const Tensor d = tg::grad({t.z[3]}, {t.a[2]}, {Variable(e)}, false, /*retain_graph=*/true)[0].value();
    for (std::size_t j = 0; j < 4; ++j) CHECK(d(j, 0) == W(k, j));
  }
}

TEST_CASE("seed 000 slip: the hidden error sums over the next layer's N^(l+1) neurons, not N^(L+1)") {
  // In a 4-layer network the two limits differ. Layer L+1 does not exist; the nearest reading,
  // the output layer's N^(L) = 2 neurons, drops 3 of the 5 terms of layer 3.
  const Mlp net({3, 4, 5, 2}, sigmoid, sigmoid, 6, Init::normal);
  const Tensor x = random_input(3, 1, 5), y = quadratic_targets(2, 1, 6);
  const BackpropResult bp = backprop(net, x, y, quad);
  const Tensor& W3 = net.layer(3).W.value();  // (5, 4)
  const auto hidden_error = [&](std::size_t upper) {
    Tensor d = tg::filled({4, 1}, 0.0);
    const Tensor sp = sigmoid_prime_of(bp.z[2]);
    for (std::size_t j = 0; j < 4; ++j) {
      for (std::size_t k = 0; k < upper; ++k) d(j, 0) += bp.delta[3](k, 0) * W3(k, j);  // Σ_k δ^3_k w^3_kj
      d(j, 0) *= sp(j, 0);                                                              // · σ'(z^2_j)
    }
    return d;
  };
  const Tensor engine = autodiff_deltas(net, x, y, quad)[2];
  CHECK(rel(hidden_error(5), engine) < 1e-13);  // N^(l+1) = N^(3) = 5
  CHECK(rel(hidden_error(2), engine) > 1e-3);   // N^(L) = 2
}

TEST_CASE("seed 000 slip: δ^(l) = ((w^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^(l)), not ⊙ σ'(z_j^(l)) of one neuron") {
  const Mlp net({3, 4, 2}, sigmoid, sigmoid, 25, Init::normal);
  const Tensor x = random_input(3, 1, 25), y = quadratic_targets(2, 1, 26);
  const BackpropResult bp = backprop(net, x, y, quad);
  const Tensor back = tg::gemm(net.layer(3).W.value(), true, bp.delta[3], false);  // (w^3)ᵀ δ^3
  const Tensor sp = sigmoid_prime_of(bp.z[2]);
  const Tensor engine = autodiff_deltas(net, x, y, quad)[2];
  CHECK(rel(times(back, sp), engine) < 1e-13);  // ⊙ σ'(z^(l)), the whole vector
  for (std::size_t j = 0; j < 4; ++j) {
    CAPTURE(j);
    CHECK(rel(scaled(back, sp(j, 0)), engine) > 1e-2);  // every entry times neuron j's σ'(z_j)
  }
}

// ---- Seed 001 ----

TEST_CASE("seed 001 slip: Σ_k w_jk a_k is row j of w^l times the column a^{l−1}, not ω_j a_k") {
  const Mlp net({3, 4, 2}, sigmoid, sigmoid, 31, Init::normal);
  const Tensor x = random_input(3, 1, 31), y = quadratic_targets(2, 1, 32);
  const BackpropResult bp = backprop(net, x, y, quad);
  const Tensor& W = net.layer(2).W.value();  // (4, 3)
  for (std::size_t j = 0; j < 4; ++j) {
    CAPTURE(j);
    Tensor row = Tensor::from_shape({1, 3});  // ω_j^l, row j
    for (std::size_t k = 0; k < 3; ++k) row(0, k) = W(j, k);
    const Tensor inner = tg::gemm(row, false, bp.a[1], false);  // ω_j a^{l−1}: (1,3)(3,1) = (1,1)
    CHECK(inner(0, 0) == doctest::Approx(bp.z[2](j, 0) - net.layer(2).b.value()(j, 0)).epsilon(1e-14));
    // ω_j a_k, with a_k one number: a row of three numbers, no inner product.
    CHECK(tg::shape_of(scaled(row, bp.a[1](0, 0))) == Shape{1, 3});
  }
}

TEST_CASE("seed 001 slip: the demon's Δz changes C by ∂C/∂z Δz only to first order") {
  const Mlp net({3, 4, 2}, sigmoid, sigmoid, 33, Init::normal);
  const Tensor x = random_input(3, 1, 33), y = quadratic_targets(2, 1, 34);
  const double C = evaluate_cost(net, x, y, quad);
  const double dCdz = autodiff_deltas(net, x, y, quad)[2](0, 0);  // ∂C/∂z^2_1
  REQUIRE(std::abs(dCdz) > 1e-4);
  const auto ratio = [&](double dz) { return (cost_with_nudge(net, 2, 0, dz, x, y) - C) / (dCdz * dz); };
  CHECK(ratio(1e-5) == doctest::Approx(1.0).epsilon(1e-3));  // a small Δz: the change is ∂C/∂z Δz
  CHECK(std::abs(ratio(2.0) - 1.0) > 0.1);                   // a large one: it is not
}

TEST_CASE("seed 001 slip: ∂C/∂z ≈ 0 does not make a neuron near optimal, a saturated one stays wrong") {
  // One sigmoid neuron, z = 10 for x = 1, target 0: a ≈ 1, as wrong as it can be.
  std::vector<Linear> layers;
  layers.emplace_back(tg::filled({1, 1}, 10.0), tg::column({0.0}));
  const Mlp net(std::move(layers), sigmoid, sigmoid);
  const Tensor x = tg::column({1.0}), y = tg::column({0.0});
  const double C = evaluate_cost(net, x, y, quad);
  const double delta = autodiff_deltas(net, x, y, quad)[2](0, 0);
  CHECK(C > 0.49);                                        // ½ (a − y)², a ≈ 1
  CHECK(std::abs(delta) < 1e-4);                          // δ = (a − y) σ'(10) ≈ 4.5e-5
  CHECK(cost_with_nudge(net, 2, 0, -20.0, x, y) < 1e-8);  // a large Δz makes it right
}

TEST_CASE("seed 001 slip: BP2 takes (w^{l+1})ᵀ, not (w^{1+1})ᵀ") {
  const Mlp net({3, 4, 5, 2}, sigmoid, sigmoid, 35, Init::normal);
  const Tensor x = random_input(3, 1, 35), y = quadratic_targets(2, 1, 36);
  const BackpropResult bp = backprop(net, x, y, quad);
  const Tensor engine = autodiff_deltas(net, x, y, quad)[3];                       // δ^3: l = 3, l + 1 = 4
  const Tensor back = tg::gemm(net.layer(4).W.value(), true, bp.delta[4], false);  // (w^4)ᵀ δ^4
  CHECK(rel(times(back, sigmoid_prime_of(bp.z[3])), engine) < 1e-13);
  CHECK_THROWS_AS((void)tg::gemm(net.layer(2).W.value(), true, bp.delta[4], false),
                  tg::shape_error);  // (w^2)ᵀ δ^4
}

TEST_CASE("seed 001 slip: BP4 as a matrix is δ^l (a^{l−1})ᵀ, a_in δ_out of two columns is no product") {
  const Mlp net({3, 4, 2}, sigmoid, sigmoid, 37, Init::normal);
  const Tensor x = random_input(3, 1, 37), y = quadratic_targets(2, 1, 38);
  const BackpropResult bp = backprop(net, x, y, quad);
  const Tensor& a_in = bp.a[1];                                                 // (3, 1)
  const Tensor& d_out = bp.delta[2];                                            // (4, 1)
  CHECK_THROWS_AS((void)tg::gemm(a_in, false, d_out, false), tg::shape_error);  // (3,1)(4,1)
  CHECK(tg::shape_of(tg::gemm(a_in, false, d_out, true)) == Shape{3, 4});       // a δᵀ: W's shape is (4,3)
  CHECK(rel(tg::gemm(d_out, false, a_in, true), autodiff_grads(net, x, y, quad)[0]) < 1e-14);  // δ aᵀ
}

// ---- Seed 002: its layer [1] is our layer 2, its [2] our layer 3 ----

namespace {
const Cost ce{CostKind::cross_entropy};
const Tensor x002 = tg::column({0.05, 0.10});  // the demo's example
}  // namespace

TEST_CASE("seed 002 slip: the squared error is 1/m Σ_i (ŷ^(i) − y^(i))², its terms indexed by i") {
  const Mlp net = seed002_net();
  const Tensor X{{0.0, 0.0, 1.0, 1.0}, {0.0, 1.0, 0.0, 1.0}}, Y{{0.0, 1.0, 1.0, 0.0}};  // XOR
  const Tensor H = predict(net, X);
  // The engine's quadratic cost carries a ½: 1/(2m) Σ_i (ŷ^(i) − y^(i))².
  const double engine = 2.0 * evaluate_cost(net, X, Y, quad);
  double corrected = 0.0;
  for (std::size_t i = 0; i < 4; ++i) corrected += std::pow(H(0, i) - Y(0, i), 2);
  corrected /= 4.0;
  // Without the index every term is the same (ŷ − y)²: 1/m · m (ŷ − y)² of one example.
  const double printed = std::pow(H(0, 0) - Y(0, 0), 2);
  CHECK(corrected == doctest::Approx(engine).epsilon(1e-14));
  CHECK(std::abs(printed - engine) > 0.1 * engine);
}

TEST_CASE("seed 002 slip: the misplaced parenthesis −y(ln a + (1−y) ln(1−a)) loses the y = 0 term") {
  const Mlp net = seed002_net();
  const Tensor y = tg::column({0.0});
  Mlp::Trace t = net.forward_trace(Variable(x002));
  const Variable a = t.a[3];
  const Variable printed = -tg::sum(Variable(y) * (tg::log(a) + (1.0 - Variable(y)) * tg::log(1.0 - a)));
  const Variable correct = cost(ce, net, t, y);
  CHECK(printed.item() == 0.0);  // y = 0 wipes the whole loss
  CHECK(correct.item() == doctest::Approx(-std::log(1.0 - a.item())));
  // Its gradient: the printed form gives 0; the correct one gives the seed's own a − y.
  // (Both share the forward graph: the first pass keeps it with retain_graph.)
  const auto g_printed = tg::grad({printed}, {t.z[3]}, {Variable(1.0)}, false, /*retain_graph=*/true);
  const auto g_correct = tg::grad({correct}, {t.z[3]});
  CHECK(g_printed[0].item() == 0.0);
  CHECK(g_correct[0].item() == doctest::Approx(a.item() - 0.0).epsilon(1e-14));
}

TEST_CASE("seed 002 slip: ∂L/∂W^[2] is (a − y) a^[1]ᵀ, not (a − y) xᵀ") {
  const Mlp net = seed002_net();
  const Tensor x = x002, y = tg::column({1.0});
  const BackpropResult bp = backprop(net, x, y, ce);
  const Tensor engine = autodiff_grads(net, x, y, ce)[2];  // ∂L/∂W^3 in our numbering = the seed's W^[2]
  const Tensor printed = tg::gemm(bp.delta[3], false, x, true);          // (a − y) xᵀ, as printed
  const Tensor corrected = tg::gemm(bp.delta[3], false, bp.a[2], true);  // (a − y) (a^[1])ᵀ
  CHECK(rel(corrected, engine) < 1e-14);
  CHECK(rel(printed, engine) > 0.5);
}

TEST_CASE("seed 002 slip: ∂L/∂z^[1] takes W^[2] as it was in the forward pass, not as updated") {
  const Mlp net = seed002_net();
  const Tensor y = tg::column({1.0});
  const double alpha = 0.5;
  const BackpropResult bp = backprop(net, x002, y, ce);
  const Tensor& W = net.layer(3).W.value();
  const Tensor updated = W - alpha * bp.dW[3];  // W^[2] − α ∂L/∂W^[2], done first in the text
  const Tensor sp = sigmoid_prime_of(bp.z[2]);
  const Tensor engine = autodiff_deltas(net, x002, y, ce)[2];
  CHECK(rel(times(tg::gemm(W, true, bp.delta[3], false), sp), engine) < 1e-14);
  CHECK(rel(times(tg::gemm(updated, true, bp.delta[3], false), sp), engine) > 0.05);
}

TEST_CASE("seed 002 slip: ∂z^[2]/∂a^[1] is the Jacobian W^[2], the transpose comes from the chain rule") {
  // Two outputs, so that the layouts differ in shape: W^[2] is (2,3).
  const Mlp net({2, 3, 2}, sigmoid, sigmoid, 41, Init::normal);
  const Tensor x = random_input(2, 1, 41), y = tg::column({1.0, 0.0});
  const BackpropResult bp = backprop(net, x, y, ce);
  const Tensor& W = net.layer(3).W.value();
  // The engine's Jacobian ∂z^[2]/∂a^[1], row k = (∂z_k/∂a^[1])ᵀ (numerator layout, seed 003's).
  Mlp::Trace t = net.forward_trace(Variable(x));
  Tensor J = Tensor::from_shape({2, 3});
  for (std::size_t k = 0; k < 2; ++k) {
    Tensor e = tg::filled({2, 1}, 0.0);
    e(k, 0) = 1.0;
    const Tensor g = tg::grad({t.z[3]}, {t.a[2]}, {Variable(e)}, false, /*retain_graph=*/true)[0].value();
    for (std::size_t j = 0; j < 3; ++j) J(k, j) = g(j, 0);
  }
  CHECK(rel(J, W) == 0.0);  // W^[2] itself, not W^[2]ᵀ (3,2)
  // The chain multiplied left to right as printed, ∂L/∂z^[2] · W^[2]ᵀ: (2,1)(3,2), no product.
  CHECK_THROWS_AS((void)tg::gemm(bp.delta[3], false, W, true), tg::shape_error);
  // The transpose: ∂L/∂z^[1] = (∂z^[2]/∂z^[1])ᵀ ∂L/∂z^[2] with ∂z^[2]/∂z^[1] = W^[2] diag(g'(z^[1])).
  Tensor Jz = J;
  const Tensor sp = sigmoid_prime_of(bp.z[2]);
  for (std::size_t k = 0; k < 2; ++k)
    for (std::size_t j = 0; j < 3; ++j) Jz(k, j) *= sp(j, 0);
  CHECK(rel(tg::gemm(Jz, true, bp.delta[3], false), autodiff_deltas(net, x, y, ce)[2]) < 1e-14);
}

TEST_CASE("seed 002 slip: g'(z^[1]) = a^[1](1 − a^[1]), not a(1 − a) of the output a") {
  const Mlp net = seed002_net();
  const Tensor y = tg::column({1.0});
  const BackpropResult bp = backprop(net, x002, y, ce);
  const Tensor back = tg::gemm(net.layer(3).W.value(), true, bp.delta[3], false);  // W^[2]ᵀ ∂L/∂z^[2]
  const auto a_one_minus_a = [](const Tensor& a) {
    return tg::map(a, [](double v) { return v * (1.0 - v); });
  };
  const Tensor engine = autodiff_deltas(net, x002, y, ce)[2];
  CHECK(rel(times(back, a_one_minus_a(bp.a[2])), engine) < 1e-14);       // a^[1](1 − a^[1])
  CHECK(rel(scaled(back, a_one_minus_a(bp.a[3])(0, 0)), engine) > 0.1);  // a = a^[2]
}

TEST_CASE("seed 002 slip: the last update is of W^[1] and b^[1], not of W^[2] and b^[2]") {
  Mlp net = seed002_net();
  const Tensor y = tg::column({1.0});
  const double alpha = 0.5;
  const BackpropResult bp = backprop(net, x002, y, ce);
  const Tensor dW1 = tg::gemm(bp.delta[2], false, x002, true);  // the seed's ∂L/∂W^[1] = ∂L/∂z^[1] xᵀ
  const Tensor W1 = net.layer(2).W.value(), b1 = net.layer(2).b.value();
  const Tensor W2 = net.layer(3).W.value(), b2 = net.layer(3).b.value();
  // W^[2] and b^[2] with W^[1]'s and b^[1]'s gradients, as the sentence says: shapes (1,2), (1,1)
  // against (2,2), (2,1). The step refuses, nothing changed.
  Sgd wrong({net.layer(3).W, net.layer(3).b}, alpha);
  CHECK_THROWS_AS(wrong.step({dW1, bp.delta[2]}), tg::shape_error);
  CHECK(rel(net.layer(3).W.value(), W2) == 0.0);
  // One gradient-descent step of every parameter with its own gradient.
  Sgd sgd(net.parameters(), alpha);
  sgd.step(parameter_gradients(bp));
  CHECK(rel(net.layer(2).W.value(), Tensor(W1 - alpha * dW1)) < 1e-15);
  CHECK(rel(net.layer(2).b.value(), Tensor(b1 - alpha * bp.delta[2])) < 1e-15);
  CHECK(rel(net.layer(3).W.value(), Tensor(W2 - alpha * tg::gemm(bp.delta[3], false, bp.a[2], true))) <
        1e-15);
  CHECK(rel(net.layer(3).b.value(), Tensor(b2 - alpha * bp.delta[3])) < 1e-15);
}

// ---- Seed 003 ----

TEST_CASE("seed 003 slip: backpropagation computes the gradient, gradient descent is a separate step") {
  const Mlp net({2, 3, 2}, Activation::tanh, sigmoid, 51);
  const Tensor X = random_input(2, 6, 51), Y = quadratic_targets(2, 6, 52);
  const Cost per_sample_sum{CostKind::quadratic, Reduction::sum};
  const Tensor W2 = net.layer(2).W.value();
  const std::vector<Tensor> g = parameter_gradients(backprop(net, X, Y, per_sample_sum));
  CHECK(rel(net.layer(2).W.value(), W2) == 0.0);  // backprop moved nothing
  // The same gradient, two optimizers: the seed's gradient descent, and Adam.
  const Mlp by_sgd = net.copy(), by_adam = net.copy();
  Sgd sgd(by_sgd.parameters(), 0.1);
  Adam adam(by_adam.parameters(), 0.1);
  sgd.step(g);
  adam.step(g);
  CHECK(rel(by_sgd.layer(2).W.value(), Tensor(W2 - 0.1 * g[0])) <
        1e-15);  // W ← W − α Σ_i δ^{i,l} (a^{i,l−1})ᵀ
  CHECK(rel(by_adam.layer(2).W.value(), by_sgd.layer(2).W.value()) > 1e-2);
}

// ---- Seed 004: its W^(l), b^(l) are our W^{l+1}, b^{l+1}; its n_l is our L ----

namespace {
const double lambda = 0.25;
const Cost decayed{CostKind::quadratic, Reduction::mean, Regularization::l2_total, lambda};
}  // namespace

TEST_CASE(
    "seed 004 slip: λ/2 Σ_l Σ_i Σ_j (W_ij^(l))² runs over every weight of layers 1 to n_l − 1, no bias") {
  const Mlp net({3, 4, 5, 2}, sigmoid, sigmoid, 61, Init::normal);
  const Tensor X = random_input(3, 4, 61), Y = quadratic_targets(2, 4, 62);
  const double engine = evaluate_cost(net, X, Y, decayed) - evaluate_cost(net, X, Y, quad);
  const auto squares = [&](std::size_t l, bool bias) {  // Σ_i Σ_j (W_ij^(l−1))², our layer l
    const Tensor& t = bias ? net.layer(l).b.value() : net.layer(l).W.value();
    double s = 0.0;
    for (double v : t) s += v * v;
    return s;
  };
  double all = 0.0, last_left_out = 0.0, with_biases = 0.0;
  for (std::size_t l = 2; l <= 4; ++l) {
    all += squares(l, false);
    if (l < 4) last_left_out += squares(l, false);
    with_biases += squares(l, false) + squares(l, true);
  }
  CHECK(lambda / 2.0 * all == doctest::Approx(engine).epsilon(1e-12));
  CHECK(std::abs(lambda / 2.0 * last_left_out - engine) > 0.05 * engine);  // l up to n_l − 2
  CHECK(std::abs(lambda / 2.0 * with_biases - engine) > 0.05 * engine);    // the biases too
}

TEST_CASE("seed 004 slip: ∂J/∂b_i^(l) = 1/m Σ_k δ_i^(l+1)(x^(k)), with no λ term, never derived but used") {
  const Mlp net({3, 4, 2}, sigmoid, sigmoid, 63, Init::normal);
  const std::size_t m = 4;
  const Tensor X = random_input(3, m, 63), Y = quadratic_targets(2, m, 64);
  const std::vector<Tensor> engine = autodiff_grads(net, X, Y, decayed);  // W^2, b^2, W^3, b^3
  for (std::size_t l = 2; l <= 3; ++l) {
    CAPTURE(l);
    Tensor mean_delta = tg::filled({net.sizes()[l - 1], 1}, 0.0);  // 1/m Σ_k δ^l(x^(k)), one example each
    for (std::size_t k = 0; k < m; ++k)
      mean_delta += backprop(net, column_of(X, k), column_of(Y, k), quad).delta[l] / static_cast<double>(m);
    const Tensor& db = engine[2 * (l - 2) + 1];
    CHECK(rel(mean_delta, db) < 1e-13);
    // By analogy with the weights, + λ b: wrong, the weight decay leaves the biases alone.
    CHECK(rel(Tensor(mean_delta + lambda * net.layer(l).b.value()), db) > 1e-2);
  }
}

TEST_CASE("seed 004 slip: ∂J(W,b)/∂W_ij is 1/m Σ_k δ_j a_i + λ W_ij, not one example's δ_j a_i") {
  const Mlp net({3, 4, 2}, sigmoid, sigmoid, 65, Init::normal);
  const std::size_t m = 4;
  const Tensor X = random_input(3, m, 65), Y = quadratic_targets(2, m, 66);
  const Tensor engine = autodiff_grads(net, X, Y, decayed)[2];  // ∂J/∂W^3, the seed's W^(n_l − 1)
  Tensor mean = tg::filled({2, 4}, 0.0);
  for (std::size_t k = 0; k < m; ++k) {
    const BackpropResult one = backprop(net, column_of(X, k), column_of(Y, k), quad);  // J(W,b;x,y)
    const Tensor dW = tg::gemm(one.delta[3], false, one.a[2], true);  // δ_j^{n_l} a_i^{n_l−1}
    if (k == 0) CHECK(rel(dW, engine) > 0.1);  // the derivation's result: one example, no λ
    mean += dW / static_cast<double>(m);
  }
  CHECK(rel(Tensor(mean + lambda * net.layer(3).W.value()), engine) < 1e-13);
}

TEST_CASE(
    "seed 004 slip: its derivation's z_j = Σ_k W_kj a_k + b_j runs the indices the other way from z = W a + b") {
  // A square W, so that both readings can be computed: the seed's W^(1) is our W^2, (3,3).
  const Mlp net({3, 3, 2}, sigmoid, sigmoid, 67, Init::normal);
  const Tensor x = random_input(3, 1, 67);
  const Tensor engine = net.forward_trace(Variable(x)).z[2].value();  // z^(2) = W^(1) a^(1) + b^(1)
  const Tensor& b = net.layer(2).b.value();
  const auto derivation = [&](const Tensor& M) {  // z_j = Σ_k M_kj a_k + b_j
    Tensor z = Tensor::from_shape({3, 1});
    for (std::size_t j = 0; j < 3; ++j) {
      z(j, 0) = b(j, 0);
      for (std::size_t k = 0; k < 3; ++k) z(j, 0) += M(k, j) * x(k, 0);
    }
    return z;
  };
  const Tensor& W = net.layer(2).W.value();  // the matrix form's W: W_jk from unit k to unit j
  Tensor Wt = Tensor::from_shape({3, 3});    // the derivation's: W_kj from unit k to unit j
  for (std::size_t j = 0; j < 3; ++j)
    for (std::size_t k = 0; k < 3; ++k) Wt(k, j) = W(j, k);
  CHECK(rel(derivation(W), engine) > 0.1);     // one W for both: they disagree
  CHECK(rel(derivation(Wt), engine) < 1e-14);  // z = (W_derivation)ᵀ a + b
}

TEST_CASE("seed 004 slip: the hidden error uses f'(z_j), not f'(a_j)") {
  const Mlp net({3, 4, 2}, sigmoid, sigmoid, 11, Init::normal);
  const Tensor X = random_input(3, 4, 11);
  const Tensor Y = quadratic_targets(2, 4, 12);
  const Cost& c = decayed;  // seed 004's cost, λ = 0.25
  const BackpropResult bp = backprop(net, X, Y, c);
  const Tensor back = tg::gemm(net.layer(3).W.value(), true, bp.delta[3], false);  // Σ_k δ_k W_jk
  const Tensor printed = tg::zip("seed004", back, sigmoid_prime_of(bp.a[2]), std::multiplies<>());  // f'(a_j)
  const Tensor corrected =
      tg::zip("seed004", back, sigmoid_prime_of(bp.z[2]), std::multiplies<>());  // f'(z_j)
  const Tensor engine = autodiff_deltas(net, X, Y, c)[2];
  CHECK(rel(corrected, engine) < 1e-13);
  CHECK(rel(printed, engine) > 1e-2);
}
