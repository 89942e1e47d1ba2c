// BP1–BP4 by hand (nn/backprop.cpp) on each seed's own network, against the engine. (The slips
// in the seeds' formulas are in test_errata.cpp.) Layer numbers are Nielsen's (layer 1 is the input).
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "autodiff/autodiff.hpp"
#include "autodiff/elementwise.hpp"
#include "nn/backprop.hpp"
#include "nn/compare.hpp"
#include "support/bad_input.hpp"
#include "support/engine_gradients.hpp"
#include "support/nets.hpp"

using namespace tg::nn;
using tg::Tensor;
using tg::Variable;
using tg::test::autodiff_deltas;
using tg::test::autodiff_grads;
using tg::test::rel;
using tg::test::seed002_net;
using tg::test::sigmoid_prime_of;

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
  const Tensor bp1 = tg::map(tg::zip("bp1", tg::zip("bp1", bp.a[3], Y, std::minus<>()),
                                     sigmoid_prime_of(bp.z[3]), std::multiplies<>()),
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
  const Cost plain{CostKind::quadratic},
      decayed{CostKind::quadratic, Reduction::mean, Regularization::l2_total, lambda};
  const BackpropResult a = backprop(net, X, Y, plain), b = backprop(net, X, Y, decayed);
  const Tensor lambda_W = tg::map(net.layer(2).W.value(), [lambda](double w) { return lambda * w; });
  CHECK(rel(tg::zip("seed004", b.dW[2], a.dW[2], std::minus<>()), lambda_W) < 1e-13);
  CHECK(rel(b.db[2], a.db[2]) == 0.0);
  CHECK(compare(net, X, Y, decayed).max_rel_autodiff() < 1e-13);
  CHECK(net.layer(2).W.shape() == tg::Shape{4, 3});
}

TEST_CASE("backprop rejects inputs and targets that do not fit the network") {
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  CHECK_THROWS_WITH_AS(backprop(net, Tensor::from_shape({2, 5}), Tensor::from_shape({2, 5}), Cost{}),
                       doctest::Contains("input (2,5) does not fit: expected (3, m)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(backprop(net, Tensor::from_shape({3, 5}), Tensor::from_shape({2, 4}), Cost{}),
                       doctest::Contains("targets (2,4) do not match the network's output (2,5)"),
                       tg::shape_error);
}

TEST_CASE("backprop: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Mlp net({3, 4, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  const Tensor X = tg::filled({3, 5}, 0.5), Y = tg::filled({2, 5}, 0.5);
  tg::test::check_bad_inputs({
      {"a vector as the input", [&] { (void)backprop(net, tg::filled({3}, 0.5), Y, Cost{}); },
       TG_ERROR(tg::shape_error), "backprop: input (3) does not fit: expected (3, m)"},
      {"a vector as the targets", [&] { (void)backprop(net, X, tg::filled({2}, 0.5), Cost{}); },
       TG_ERROR(tg::shape_error), "output_delta: targets (2) do not match the network's output (2,5)"},
      {"a negative λ",
       [&] {
         (void)backprop(net, X, Y, Cost{CostKind::quadratic, Reduction::mean, Regularization::l2, -0.1});
       },
       TG_ERROR(std::invalid_argument),
       "output_delta: the L2 strength λ (Cost::lambda) must be a finite number ≥ 0, got -0.1"},
  });
}
