// BP1–BP4 by hand (nn/backprop.cpp) on each seed's own network, against the engine, and the
// slips in the seeds' formulas: the printed version disagrees with autodiff, the corrected one
// agrees. Layer numbers are Nielsen's (layer 1 is the input).
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "autodiff/autodiff.hpp"
#include "autodiff/elementwise.hpp"
#include "nn/backprop.hpp"
#include "nn/compare.hpp"
#include "support/bad_input.hpp"
#include "support/nets.hpp"

using namespace tg::nn;
using tg::test::seed002_net;
using tg::Tensor;
using tg::Variable;

namespace {

// ∂C/∂z^l for every layer, by the engine: retain_grad on each z^l, then backward.
std::vector<Tensor> autodiff_deltas(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  Mlp::Trace t = net.forward_trace(Variable(X));
  for (std::size_t l = 2; l <= net.num_layers(); ++l) t.z[l].retain_grad();
  cost(c, net, t, Y).backward();
  std::vector<Tensor> d(net.num_layers() + 1);
  for (std::size_t l = 2; l <= net.num_layers(); ++l) d[l] = t.z[l].grad();
  return d;
}

// ∂C/∂θ for every parameter, by the engine.
std::vector<Tensor> autodiff_grads(const Mlp& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  std::vector<Tensor> out;
  const auto params = net.parameters();
  for (const Variable& g : tg::grad({cost(c, net, net.forward_trace(Variable(X)), Y)}, params)) out.push_back(g.value());
  return out;
}

double rel(const Tensor& a, const Tensor& b) { return difference(a, b).max_rel; }

Tensor sigmoid_prime_of(const Tensor& t) {  // σ'(t) = σ(t)(1 − σ(t))
  return tg::map(t, [](double v) {
    const double s = 1.0 / (1.0 + std::exp(-v));
    return s * (1.0 - s);
  });
}

}  // namespace

TEST_CASE("seed 002: with cross-entropy on a sigmoid output, δ^L = a − y (σ' cancels)") {
  const Mlp net = seed002_net();
  const Tensor x = tg::column({0.05, 0.10}), y = tg::column({1.0});
  const Cost ce{CostKind::cross_entropy};
  const BackpropResult bp = backprop(net, x, y, ce);
  const double a = bp.a[3](0, 0);
  CHECK(bp.delta[3](0, 0) == doctest::Approx(a - 1.0).epsilon(1e-15));
  CHECK(rel(bp.delta[3], autodiff_deltas(net, x, y, ce)[3]) < 1e-14);
  CHECK(compare(net, x, y, ce).max_rel_autodiff() < 1e-14);
}

TEST_CASE("seed 002 slip: ∂L/∂W^[2] is (a − y) a^[1]ᵀ, not (a − y) xᵀ") {
  const Mlp net = seed002_net();
  const Tensor x = tg::column({0.05, 0.10}), y = tg::column({1.0});
  const Cost ce{CostKind::cross_entropy};
  const BackpropResult bp = backprop(net, x, y, ce);
  const Tensor engine = autodiff_grads(net, x, y, ce)[2];  // ∂L/∂W^3 in our numbering = the seed's W^[2]
  const Tensor printed = tg::gemm(bp.delta[3], false, x, true);           // (a − y) xᵀ, as printed
  const Tensor corrected = tg::gemm(bp.delta[3], false, bp.a[2], true);  // (a − y) (a^[1])ᵀ
  CHECK(rel(corrected, engine) < 1e-14);
  CHECK(rel(printed, engine) > 0.5);
}

TEST_CASE("seed 002 slip: the misplaced parenthesis −y(ln a + (1−y) ln(1−a)) loses the y = 0 term") {
  const Mlp net = seed002_net();
  const Tensor x = tg::column({0.05, 0.10}), y = tg::column({0.0});
  Mlp::Trace t = net.forward_trace(Variable(x));
  const Variable a = t.a[3];
  const Variable printed = -tg::sum(Variable(y) * (tg::log(a) + (1.0 - Variable(y)) * tg::log(1.0 - a)));
  const Variable correct = cost(Cost{CostKind::cross_entropy}, net, t, y);
  CHECK(printed.item() == 0.0);  // y = 0 wipes the whole loss
  CHECK(correct.item() == doctest::Approx(-std::log(1.0 - a.item())));
  // Its gradient: the printed form gives 0; the correct one gives the seed's own a − y.
  // (Both share the forward graph: the first pass keeps it with retain_graph.)
  const auto g_printed = tg::grad({printed}, {t.z[3]}, {Variable(1.0)}, false, /*retain_graph=*/true);
  const auto g_correct = tg::grad({correct}, {t.z[3]});
  CHECK(g_printed[0].item() == 0.0);
  CHECK(g_correct[0].item() == doctest::Approx(a.item() - 0.0).epsilon(1e-14));
}

TEST_CASE("seed 000/001: the quadratic cost J = 1/(2m) Σ‖y − a‖² and BP1 δ^L = (a − y) ⊙ σ'(z^L)") {
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 3, Init::normal);
  const Tensor X = tg::test::random_tensor({3, 5}, tg::test::Domain::any, 1);
  const Tensor Y = tg::test::targets_for(CostKind::quadratic, Activation::sigmoid, 2, 5, 2);
  const Cost quad{CostKind::quadratic};
  const BackpropResult bp = backprop(net, X, Y, quad);
  // The cost's value, by the formula.
  double J = 0.0;
  for (std::size_t i = 0; i < Y.size(); ++i) J += std::pow(Y.data()[i] - bp.a[3].data()[i], 2);
  J /= 2.0 * 5.0;
  CHECK(cost(quad, net, net.forward_trace(Variable(X)), Y).item() == doctest::Approx(J).epsilon(1e-14));
  // BP1, written out: (a − y) ⊙ σ'(z) / m.
  const Tensor bp1 = tg::map(tg::zip("bp1", tg::zip("bp1", bp.a[3], Y, std::minus<>()), sigmoid_prime_of(bp.z[3]), std::multiplies<>()),
                             [](double v) { return v / 5.0; });
  CHECK(rel(bp1, bp.delta[3]) < 1e-15);
  CHECK(rel(bp.delta[3], autodiff_deltas(net, X, Y, quad)[3]) < 1e-13);
}

TEST_CASE("seed 001: BP4 element by element, ∂C/∂w^l_jk = a^{l−1}_k δ^l_j") {
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 4, Init::normal);
  const Tensor x = tg::test::random_tensor({3, 1}, tg::test::Domain::any, 3);
  const Tensor y = tg::test::targets_for(CostKind::quadratic, Activation::sigmoid, 2, 1, 4);
  const Cost quad{CostKind::quadratic};
  const BackpropResult bp = backprop(net, x, y, quad);
  const Tensor engine_W2 = autodiff_grads(net, x, y, quad)[0];
  for (std::size_t j = 0; j < 4; ++j)
    for (std::size_t k = 0; k < 3; ++k)
      CHECK(bp.a[1](k, 0) * bp.delta[2](j, 0) == doctest::Approx(engine_W2(j, k)).epsilon(1e-13));
}

TEST_CASE("seed 000 slip: the hidden error sums over the next layer's N^(l+1) neurons, not N^(L+1)") {
  // In a 4-layer network the two limits differ. Layer L+1 does not exist; the nearest reading,
  // the output layer's N^(L) = 2 neurons, drops 3 of the 5 terms of layer 3.
  const Mlp net({3, 4, 5, 2}, Activation::sigmoid, Activation::sigmoid, 6, Init::normal);
  const Tensor x = tg::test::random_tensor({3, 1}, tg::test::Domain::any, 5);
  const Tensor y = tg::test::targets_for(CostKind::quadratic, Activation::sigmoid, 2, 1, 6);
  const Cost quad{CostKind::quadratic};
  const BackpropResult bp = backprop(net, x, y, quad);
  const Tensor& W3 = net.layer(3).W.value();  // (5, 4)
  const auto hidden_error = [&](std::size_t upper) {
    Tensor d = tg::filled({4, 1}, 0.0);
    const Tensor sp = sigmoid_prime_of(bp.z[2]);
    for (std::size_t j = 0; j < 4; ++j) {
      for (std::size_t k = 0; k < upper; ++k) d(j, 0) += bp.delta[3](k, 0) * W3(k, j);  // Σ_k δ^3_k w^3_kj
      d(j, 0) *= sp(j, 0);                                                             // · σ'(z^2_j)
    }
    return d;
  };
  const Tensor engine = autodiff_deltas(net, x, y, quad)[2];
  CHECK(rel(hidden_error(5), engine) < 1e-13);  // N^(l+1) = N^(3) = 5
  CHECK(rel(hidden_error(2), engine) > 1e-3);   // N^(L) = 2
}

TEST_CASE("seed 003: per-sample δ^{i,l}, summed over the batch, is batch BP with the sum reduction") {
  const Mlp net({2, 3, 3, 2}, Activation::tanh, Activation::sigmoid, 8);
  const std::size_t m = 6;
  const Tensor X = tg::test::random_tensor({2, m}, tg::test::Domain::any, 7);
  const Tensor Y = tg::test::targets_for(CostKind::quadratic, Activation::sigmoid, 2, m, 8);
  const Cost per_sample_sum{CostKind::quadratic, Reduction::sum};  // J = Σ_i ½‖a^{i,L} − y_i‖²
  const BackpropResult batch = backprop(net, X, Y, per_sample_sum);
  // The seed's loop: one example at a time, W^l gradient Σ_i δ^{i,l} (a^{i,l−1})ᵀ.
  std::vector<Tensor> sum_dW(5);
  for (std::size_t i = 0; i < m; ++i) {
    Tensor xi = Tensor::from_shape({2, 1}), yi = Tensor::from_shape({2, 1});
    for (std::size_t r = 0; r < 2; ++r) {
      xi(r, 0) = X(r, i);
      yi(r, 0) = Y(r, i);
    }
    const BackpropResult one = backprop(net, xi, yi, per_sample_sum);
    for (std::size_t l = 2; l <= 4; ++l) sum_dW[l] = i == 0 ? one.dW[l] : Tensor(sum_dW[l] + one.dW[l]);
  }
  const auto engine = autodiff_grads(net, X, Y, per_sample_sum);
  for (std::size_t l = 2; l <= 4; ++l) {
    CAPTURE(l);
    CHECK(rel(sum_dW[l], batch.dW[l]) < 1e-13);
    CHECK(rel(batch.dW[l], engine[2 * (l - 2)]) < 1e-13);
  }
}

TEST_CASE("seed 004: J = 1/m Σ ½‖h − y‖² + λ/2 Σ W² adds λW to each weight gradient, none to biases") {
  // The seed's W^(1) maps layer 1 to layer 2: it is our W^2, of shape (N^2, N^1).
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 9, Init::normal);
  const Tensor X = tg::test::random_tensor({3, 4}, tg::test::Domain::any, 9);
  const Tensor Y = tg::test::targets_for(CostKind::quadratic, Activation::sigmoid, 2, 4, 10);
  const double lambda = 0.25;
  const Cost plain{CostKind::quadratic}, decayed{CostKind::quadratic, Reduction::mean, Regularization::l2_total, lambda};
  const BackpropResult a = backprop(net, X, Y, plain), b = backprop(net, X, Y, decayed);
  const Tensor lambda_W = tg::map(net.layer(2).W.value(), [lambda](double w) { return lambda * w; });
  CHECK(rel(tg::zip("seed004", b.dW[2], a.dW[2], std::minus<>()), lambda_W) < 1e-13);
  CHECK(rel(b.db[2], a.db[2]) == 0.0);
  CHECK(compare(net, X, Y, decayed).max_rel_autodiff() < 1e-13);
  CHECK(net.layer(2).W.shape() == tg::Shape{4, 3});
}

TEST_CASE("seed 004 slip: the hidden error uses f'(z_j), not f'(a_j)") {
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 11, Init::normal);
  const Tensor X = tg::test::random_tensor({3, 4}, tg::test::Domain::any, 11);
  const Tensor Y = tg::test::targets_for(CostKind::quadratic, Activation::sigmoid, 2, 4, 12);
  const Cost c{CostKind::quadratic, Reduction::mean, Regularization::l2_total, 0.25};
  const BackpropResult bp = backprop(net, X, Y, c);
  const Tensor back = tg::gemm(net.layer(3).W.value(), true, bp.delta[3], false);  // Σ_k δ_k W_jk
  const Tensor printed = tg::zip("seed004", back, sigmoid_prime_of(bp.a[2]), std::multiplies<>());    // f'(a_j)
  const Tensor corrected = tg::zip("seed004", back, sigmoid_prime_of(bp.z[2]), std::multiplies<>());  // f'(z_j)
  const Tensor engine = autodiff_deltas(net, X, Y, c)[2];
  CHECK(rel(corrected, engine) < 1e-13);
  CHECK(rel(printed, engine) > 1e-2);
}

TEST_CASE("backprop rejects inputs and targets that do not fit the network") {
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  CHECK_THROWS_WITH_AS(backprop(net, Tensor::from_shape({2, 5}), Tensor::from_shape({2, 5}), Cost{}),
                       doctest::Contains("input (2,5) does not fit: expected (3, m)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(backprop(net, Tensor::from_shape({3, 5}), Tensor::from_shape({2, 4}), Cost{}),
                       doctest::Contains("targets (2,4) do not match the network's output (2,5)"), tg::shape_error);
}

TEST_CASE("backprop: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  const Tensor X = tg::filled({3, 5}, 0.5), Y = tg::filled({2, 5}, 0.5);
  tg::test::check_bad_inputs({
      {"a vector as the input", [&] { (void)backprop(net, tg::filled({3}, 0.5), Y, Cost{}); }, TG_ERROR(tg::shape_error),
       "backprop: input (3) does not fit: expected (3, m)"},
      {"a vector as the targets", [&] { (void)backprop(net, X, tg::filled({2}, 0.5), Cost{}); }, TG_ERROR(tg::shape_error),
       "output_delta: targets (2) do not match the network's output (2,5)"},
      {"a negative λ", [&] { (void)backprop(net, X, Y, Cost{CostKind::quadratic, Reduction::mean, Regularization::l2, -0.1}); },
       TG_ERROR(std::invalid_argument), "l2_coefficient: the L2 strength λ (Cost::lambda) must be a finite number ≥ 0, got -0.1"},
  });
}
