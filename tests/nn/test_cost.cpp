// Costs (nn/cost.cpp): values by their formulas, stability when saturated, L2, BP1 deltas.
#include <doctest/doctest.h>

#include <cmath>

#include "nn/cost.hpp"
#include "support/nets.hpp"

using namespace tg::nn;
using tg::Tensor;
using tg::Variable;

namespace {
// A one-layer network whose output is σ(W x + b) with the given W, b.
Mlp one_layer(Tensor W, Tensor b, Activation output) {
  std::vector<Linear> layers;
  layers.emplace_back(std::move(W), std::move(b));
  return Mlp(std::move(layers), Activation::identity, output);
}
}  // namespace

TEST_CASE("each cost's value follows its formula, mean or sum over the batch") {
  const Mlp net = one_layer(Tensor{{0.5, -1.0}, {2.0, 0.25}}, tg::column({0.1, -0.2}), Activation::sigmoid);
  const Tensor X{{1.0, 0.0, -1.0}, {0.5, 2.0, 1.0}};  // 3 examples
  const Tensor Y{{1.0, 0.0, 1.0}, {0.0, 1.0, 1.0}};
  const Mlp::Trace t = net.forward_trace(Variable(X));
  const Tensor& a = t.output().value();
  double quad = 0.0, ce = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double ai = a.data()[i], yi = Y.data()[i];
    quad += 0.5 * (ai - yi) * (ai - yi);
    ce += -(yi * std::log(ai) + (1.0 - yi) * std::log(1.0 - ai));
  }
  CHECK(cost(Cost{CostKind::quadratic}, net, t, Y).item() == doctest::Approx(quad / 3.0).epsilon(1e-14));
  CHECK(cost(Cost{CostKind::quadratic, Reduction::sum}, net, t, Y).item() == doctest::Approx(quad).epsilon(1e-14));
  CHECK(cost(Cost{CostKind::cross_entropy}, net, t, Y).item() == doctest::Approx(ce / 3.0).epsilon(1e-13));
}

TEST_CASE("log-likelihood on softmax is −ln a_y per example") {
  const Mlp net = one_layer(Tensor{{1.0, 0.0}, {0.0, 1.0}, {0.5, 0.5}}, tg::column({0.0, 0.0, 0.0}), Activation::softmax);
  const Tensor X = tg::column({2.0, -1.0});
  const Tensor Y = tg::column({0.0, 0.0, 1.0});
  const Mlp::Trace t = net.forward_trace(Variable(X));
  CHECK(cost(Cost{CostKind::log_likelihood}, net, t, Y).item() == doctest::Approx(-std::log(t.output().value()(2, 0))));
}

TEST_CASE("saturated outputs do not take log(0): cross-entropy and log-likelihood stay finite") {
  const Tensor X = tg::column({1.0});
  for (double w : {1000.0, -1000.0}) {
    CAPTURE(w);
    const Mlp sig = one_layer(tg::column({w}), tg::column({0.0}), Activation::sigmoid);
    const Variable c = cost(Cost{CostKind::cross_entropy}, sig, sig.forward_trace(Variable(X)), tg::column({w > 0 ? 0.0 : 1.0}));
    CHECK(c.item() == doctest::Approx(1000.0));  // −ln σ(−1000) = 1000, not inf
    c.backward();
    CHECK(std::isfinite(sig.layer(2).W.grad()(0, 0)));

    const Mlp soft = one_layer(tg::column({w, 0.0}), tg::column({0.0, 0.0}), Activation::softmax);
    const Variable ll = cost(Cost{CostKind::log_likelihood}, soft, soft.forward_trace(Variable(X)), tg::column({w > 0 ? 0.0 : 1.0, w > 0 ? 1.0 : 0.0}));
    CHECK(ll.item() == doctest::Approx(1000.0));
  }
}

TEST_CASE("L2: λ/(2n) Σ‖W‖² (Nielsen, n = m here) and λ/2 Σ‖W‖² (seed 004), biases are not regularised") {
  const Mlp net = one_layer(Tensor{{1.0, -2.0}}, tg::column({5.0}), Activation::identity);
  const Tensor X{{0.0, 0.0}, {0.0, 0.0}}, Y{{0.0, 0.0}};  // m = 2; zero data term apart from b
  const Mlp::Trace t = net.forward_trace(Variable(X));
  const double data = 0.5 * (25.0 + 25.0) / 2.0;  // ½‖b‖² per example, averaged
  CHECK(cost(Cost{CostKind::quadratic, Reduction::mean, Regularization::l2, 0.4}, net, t, Y).item() ==
        doctest::Approx(data + 0.4 / 4.0 * 5.0));
  CHECK(cost(Cost{CostKind::quadratic, Reduction::mean, Regularization::l2_total, 0.4}, net, t, Y).item() ==
        doctest::Approx(data + 0.2 * 5.0));
  CHECK(l2_coefficient(Cost{CostKind::quadratic, Reduction::mean, Regularization::l2, 0.4}, 2) == doctest::Approx(0.2));
  CHECK(l2_coefficient(Cost{CostKind::quadratic, Reduction::mean, Regularization::l2_total, 0.4}, 2) == doctest::Approx(0.4));
  // A mini-batch of a larger training set: Nielsen's n is the set's size, not the batch's.
  CHECK(l2_coefficient(Cost{CostKind::quadratic, Reduction::mean, Regularization::l2, 0.4, 100}, 2) == doctest::Approx(0.004));
}

TEST_CASE("BP1: each cost's δ^L equals the engine's ∂C/∂z^L, for canonical and other pairings") {
  const Tensor X = tg::test::random_tensor({3, 5}, tg::test::Domain::any, 1);
  for (auto [kind, output] : {std::pair{CostKind::quadratic, Activation::tanh}, std::pair{CostKind::quadratic, Activation::softmax},
                              std::pair{CostKind::cross_entropy, Activation::sigmoid}, std::pair{CostKind::cross_entropy, Activation::softmax},
                              std::pair{CostKind::log_likelihood, Activation::softmax}, std::pair{CostKind::log_likelihood, Activation::sigmoid}}) {
    CAPTURE(to_string(kind));
    CAPTURE(to_string(output));
    const Mlp net({3, 4}, Activation::identity, output, 2);
    const Tensor Y = tg::test::targets_for(kind, output, 4, 5, 3);
    for (Reduction red : {Reduction::mean, Reduction::sum}) {
      const Cost c{kind, red};
      Mlp::Trace t = net.forward_trace(Variable(X));
      t.z[2].retain_grad();
      cost(c, net, t, Y).backward();
      const Tensor delta = output_delta(c, output, t.z[2].value(), t.a[2].value(), Y);
      for (std::size_t i = 0; i < delta.size(); ++i) CHECK(delta.data()[i] == doctest::Approx(t.z[2].grad().data()[i]).epsilon(1e-12));
    }
  }
}

TEST_CASE("cost names round-trip, bad targets and names are clear errors") {
  for (CostKind k : {CostKind::quadratic, CostKind::cross_entropy, CostKind::log_likelihood}) CHECK(parse_cost(to_string(k)) == k);
  CHECK_THROWS_WITH_AS(parse_cost("mse"), doctest::Contains("unknown cost 'mse'"), std::invalid_argument);
  const Mlp net({2, 3}, Activation::identity, Activation::sigmoid, 1);
  const Mlp::Trace t = net.forward_trace(Variable(Tensor::from_shape({2, 4})));
  CHECK_THROWS_WITH_AS(cost(Cost{}, net, t, Tensor::from_shape({3, 5})), doctest::Contains("targets (3,5) do not match the network's output (3,4)"), tg::shape_error);
  CHECK(describe(Cost{CostKind::cross_entropy, Reduction::sum, Regularization::l2, 0.1}) == "cross_entropy (sum) + L2 λ/(2n)Σ‖W‖², λ=0.1, n=m");
}
