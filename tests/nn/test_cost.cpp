// Costs (nn/cost.cpp): values by their formulas, stability when saturated (z^L = ±1000, ±1e4:
// values, first and second derivatives, under detect_anomaly), L2, BP1 deltas, bad arguments.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include <fmt/format.h>

#include "nn/compare.hpp"
#include "nn/backprop.hpp"
#include "nn/cost.hpp"
#include "support/bad_input.hpp"
#include "support/nets.hpp"
#include "support/random.hpp"

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
  CHECK(cost(Cost{CostKind::quadratic, Reduction::sum}, net, t, Y).item() ==
        doctest::Approx(quad).epsilon(1e-14));
  CHECK(cost(Cost{CostKind::cross_entropy}, net, t, Y).item() == doctest::Approx(ce / 3.0).epsilon(1e-13));
}

TEST_CASE("log-likelihood on softmax is −ln a_y per example") {
  const Mlp net =
      one_layer(Tensor{{1.0, 0.0}, {0.0, 1.0}, {0.5, 0.5}}, tg::column({0.0, 0.0, 0.0}), Activation::softmax);
  const Tensor X = tg::column({2.0, -1.0});
  const Tensor Y = tg::column({0.0, 0.0, 1.0});
  const Mlp::Trace t = net.forward_trace(Variable(X));
  CHECK(cost(Cost{CostKind::log_likelihood}, net, t, Y).item() ==
        doctest::Approx(-std::log(t.output().value()(2, 0))));
}

TEST_CASE("saturated outputs do not take log(0): cross-entropy and log-likelihood stay finite") {
  const Tensor X = tg::column({1.0});
  for (double w : {1000.0, -1000.0}) {
    CAPTURE(w);
    const Mlp sig = one_layer(tg::column({w}), tg::column({0.0}), Activation::sigmoid);
    const Variable c = cost(Cost{CostKind::cross_entropy}, sig, sig.forward_trace(Variable(X)),
                            tg::column({w > 0 ? 0.0 : 1.0}));
    CHECK(c.item() == doctest::Approx(1000.0));  // −ln σ(−1000) = 1000, not inf
    c.backward();
    CHECK(std::isfinite(sig.layer(2).W.grad()(0, 0)));

    const Mlp soft = one_layer(tg::column({w, 0.0}), tg::column({0.0, 0.0}), Activation::softmax);
    const Variable ll = cost(Cost{CostKind::log_likelihood}, soft, soft.forward_trace(Variable(X)),
                             tg::column({w > 0 ? 0.0 : 1.0, w > 0 ? 1.0 : 0.0}));
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
  CHECK(l2_coefficient(Cost{CostKind::quadratic, Reduction::mean, Regularization::l2, 0.4}, 2) ==
        doctest::Approx(0.2));
  CHECK(l2_coefficient(Cost{CostKind::quadratic, Reduction::mean, Regularization::l2_total, 0.4}, 2) ==
        doctest::Approx(0.4));
  // A mini-batch of a larger training set: Nielsen's n is the set's size, not the batch's.
  CHECK(l2_coefficient(Cost{CostKind::quadratic, Reduction::mean, Regularization::l2, 0.4, 100}, 2) ==
        doctest::Approx(0.004));
}

TEST_CASE("sum = m × mean for the data term only: L2's κW is the same under both reductions") {
  // docs/backprop.md, "Mean or sum": on a batch of m = 10, every gradient of the sum is 10 times
  // the mean's without L2; with L2 the biases' still are, the weights' are not (m g + κW against
  // m (g + κW)); and the sum with λ is m times the mean with λ/m: under the sum L2 weighs m
  // times less against the data (n times for the full batch, where m = n).
  const double m = 10.0, lambda = 5.0;
  const Mlp net({2, 4, 2}, Activation::tanh, Activation::sigmoid, 3);
  const Tensor X = tg::test::random_tensor({2, 10}, tg::test::Domain::any, 4);
  const Tensor Y = tg::test::targets_for(CostKind::quadratic, Activation::sigmoid, 2, 10, 5);
  const auto gradients = [&](Reduction r, double l2) {
    Cost c{CostKind::quadratic, r};
    if (l2 > 0.0) {
      c.regularization = Regularization::l2;  // λ/(2n) Σ‖W‖², n = 1000
      c.lambda = l2;
      c.training_set_size = 1000;
    }
    const BackpropResult bp = backprop(net, X, Y, c);
    return std::vector<Tensor>{bp.dW[2], bp.db[2], bp.dW[3], bp.db[3]};
  };
  const auto largest_rel = [](const std::vector<Tensor>& g, const std::vector<Tensor>& h, std::size_t p) {
    return difference(g[p], h[p]).max_rel;
  };
  const auto times = [](double k, std::vector<Tensor> g) {
    for (Tensor& t : g) t *= k;
    return g;
  };
  const auto sum0 = gradients(Reduction::sum, 0.0), mean0 = gradients(Reduction::mean, 0.0);
  const auto sum = gradients(Reduction::sum, lambda), mean = gradients(Reduction::mean, lambda);
  for (std::size_t p = 0; p < 4; ++p) {
    CAPTURE(p);
    CHECK(largest_rel(sum0, times(m, mean0), p) < 1e-14);                // no L2: sum = m × mean
    if (p % 2 == 1) CHECK(largest_rel(sum, times(m, mean), p) < 1e-14);  // ∂C/∂b: no L2 term
    else CHECK(largest_rel(sum, times(m, mean), p) > 1e-3);              // ∂C/∂W: + κW, not m κW
    CHECK(largest_rel(sum, times(m, gradients(Reduction::mean, lambda / m)), p) < 1e-14);
  }
}

// Every row of the cost table, with every output it meets (tests/support/nets.hpp reads the
// tables): BP1 by hand equals autodiff's ∂C/∂z^L, and where BP1 goes through ∇_a C, that is
// autodiff's ∂C/∂a^L. A new row is tested here without a new test.
TEST_CASE("BP1: each cost's δ^L equals the engine's ∂C/∂z^L, for every output in the cost table") {
  const Tensor X = tg::test::random_tensor({3, 5}, tg::test::Domain::any, 1);
  for (const tg::test::Pairing p : tg::test::accepted_pairings) {
    const auto [kind, output] = p;
    CAPTURE(to_string(kind));
    CAPTURE(to_string(output));
    const Mlp net({3, 4}, Activation::identity, output, 2);
    const Tensor Y = tg::test::targets_for(kind, output, 4, 5, 3);
    for (Reduction red : {Reduction::mean, Reduction::sum}) {
      const Cost c{kind, red};
      Mlp::Trace t = net.forward_trace(Variable(X));
      t.z[2].retain_grad();
      t.a[2].retain_grad();
      cost(c, net, t, Y).backward();
      const Tensor delta = output_delta(c, output, t.z[2].value(), t.a[2].value(), Y);
      for (std::size_t i = 0; i < delta.size(); ++i)
        CHECK(delta.data()[i] == doctest::Approx(t.z[2].grad().data()[i]).epsilon(1e-12));
      const CostRow& r = row(kind);
      if (pairing(r, output)) continue;
      REQUIRE(static_cast<bool>(r.grad_a));  // through ∇_a C: the engine's ∂C/∂a^L, with the 1/m
      const double scale = red == Reduction::mean ? 1.0 / 5.0 : 1.0;
      for (std::size_t i = 0; i < delta.size(); ++i)
        CHECK(scale * r.grad_a(t.a[2].value().data()[i], Y.data()[i]) ==
              doctest::Approx(t.a[2].grad().data()[i]).epsilon(1e-12));
    }
  }
}

TEST_CASE(
    "every pairing the cost table does not hold is refused, naming the cost, the output and the outputs it takes") {
  const Tensor X = tg::test::random_tensor({3, 2}, tg::test::Domain::any, 1);
  for (const CostRow& c : cost_table())
    for (const ActivationRow& a : activation_table()) {
      if (c.grad_a || pairing(c, a.kind)) continue;
      CAPTURE(c.name);
      CAPTURE(a.name);
      const Mlp net({3, 4}, Activation::identity, a.kind, 2);
      const Mlp::Trace t = net.forward_trace(Variable(X));
      const std::string expected =
          fmt::format("cost: {} {}: use a {} output, not {} ({})", c.name, c.pairing_rule, paired_outputs(c),
                      a.name, a.outside_ln_domain);
      CHECK_THROWS_WITH_AS(cost(Cost{c.kind}, net, t, tg::filled({4, 2}, 0.5)), expected.c_str(),
                           std::invalid_argument);
    }
}

TEST_CASE(
    "BP1 is exact for targets that are not one-hot: soft labels, label smoothing, all-zero columns, any sums") {
  const Tensor X = tg::test::random_tensor({3, 6}, tg::test::Domain::any, 4);
  std::size_t checked = 0;
  for (const tg::test::Pairing p : tg::test::accepted_pairings)
    for (const tg::test::TargetShape shape : tg::test::all_target_shapes)
      for (Reduction red : {Reduction::mean, Reduction::sum}) {
        const Cost c{p.kind, red};
        INFO(describe(c) << " on " << to_string(p.output) << " outputs, "
                         << std::string(tg::test::to_string(shape)));
        const Mlp net({3, 4}, Activation::identity, p.output, 5, Init::normal);
        const Tensor Y = tg::test::targets_of_shape(shape, p.kind, 4, 6, 6);
        Mlp::Trace t = net.forward_trace(Variable(X));
        t.z[2].retain_grad();
        const Variable C = cost(c, net, t, Y);
        CHECK(std::isfinite(C.item()));
        C.backward();
        const Tensor delta = output_delta(c, p.output, t.z[2].value(), t.a[2].value(), Y);
        for (std::size_t i = 0; i < delta.size(); ++i)
          CHECK(delta.data()[i] == doctest::Approx(t.z[2].grad().data()[i]).epsilon(1e-12));
        ++checked;
      }
  CHECK(checked == 9 * 4 * 2);
}

TEST_CASE("log-likelihood on softmax: δ^L = a Σ_k y_k − y, which is a − y only where the column sums to 1") {
  // The soft column (0.3, 0.3, 0): Σy = 0.6, so a − y is off by 0.4 a.
  const Mlp net =
      one_layer(Tensor{{1.0, 0.0}, {0.0, 1.0}, {0.5, 0.5}}, tg::column({0.0, 0.0, 0.0}), Activation::softmax);
  const Tensor X{{2.0, 0.5}, {-1.0, 0.3}};
  const Tensor Y{{0.3, 0.0}, {0.3, 0.0}, {0.0, 0.0}};  // a soft column and an all-zero one
  const Cost c{CostKind::log_likelihood, Reduction::sum};
  Mlp::Trace t = net.forward_trace(Variable(X));
  t.z[2].retain_grad();
  const Variable C = cost(c, net, t, Y);
  CHECK(C.item() == doctest::Approx(-0.3 * (std::log(t.a[2].value()(0, 0)) + std::log(t.a[2].value()(1, 0))))
                        .epsilon(1e-14));
  C.backward();
  const Tensor& a = t.a[2].value();
  const Tensor delta = output_delta(c, Activation::softmax, t.z[2].value(), a, Y);
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    CHECK(delta(i, 0) == doctest::Approx(0.6 * a(i, 0) - Y(i, 0)).epsilon(1e-15));
    CHECK(delta(i, 0) == doctest::Approx(t.z[2].grad()(i, 0)).epsilon(1e-14));
    CHECK(delta(i, 1) == 0.0);  // an all-zero column adds nothing to C, nor to its gradient
    CHECK(t.z[2].grad()(i, 1) == 0.0);
  }
  // Nielsen's a − y, which holds for one-hot columns, is not the derivative here.
  CHECK(std::abs((a(0, 0) - Y(0, 0)) - t.z[2].grad()(0, 0)) > 0.1);
}

TEST_CASE("cost names round-trip, bad targets and names are clear errors") {
  for (CostKind k : {CostKind::quadratic, CostKind::cross_entropy, CostKind::log_likelihood})
    CHECK(parse_cost(to_string(k)) == k);
  CHECK_THROWS_WITH_AS(parse_cost("mse"), doctest::Contains("unknown cost 'mse'"), std::invalid_argument);
  const Mlp net({2, 3}, Activation::identity, Activation::sigmoid, 1);
  const Mlp::Trace t = net.forward_trace(Variable(Tensor::from_shape({2, 4})));
  CHECK_THROWS_WITH_AS(cost(Cost{}, net, t, Tensor::from_shape({3, 5})),
                       doctest::Contains("targets (3,5) do not match the network's output (3,4)"),
                       tg::shape_error);
  CHECK(describe(Cost{CostKind::cross_entropy, Reduction::sum, Regularization::l2, 0.1}) ==
        "cross_entropy (sum) + L2 λ/(2n)Σ‖W‖², λ=0.1, n=m");
}

namespace {

double sigma(double z) { return z >= 0.0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z)); }

// t must be finite and within 1e-12 of `expected` (relative, or absolute near 0), in row-major order.
void check_values(const Tensor& t, const std::vector<double>& expected) {
  REQUIRE(t.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(std::isfinite(t.data()[i]));
    CHECK(t.data()[i] == doctest::Approx(expected[i]).epsilon(1e-12));
  }
}

}  // namespace

TEST_CASE(
    "cross-entropy on sigmoid at z = ±1000, ±1e4: the exact loss, δ = a − y, a finite second derivative") {
  // A 1-1 network with W = 1, b = 0, so z^L = x: seven examples, far out and one near 0.
  const Mlp net = one_layer(tg::filled({1, 1}, 1.0), tg::column({0.0}), Activation::sigmoid);
  const Tensor X{{1000.0, -1000.0, 1000.0, -1000.0, 1e4, -1e4, 0.5}};
  const Tensor Y{{1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0}};
  // −[y ln σ(z) + (1−y) ln(1 − σ(z))]: 0 when right and sure, |z| when wrong and sure.
  const double near = std::log1p(std::exp(-0.5));  // −ln σ(0.5)
  const double loss = 0.0 + 1000.0 + 1000.0 + 0.0 + 1e4 + 1e4 + near;
  const std::vector<double> delta{0.0, -1.0, 1.0, 0.0, 1.0, -1.0, sigma(0.5) - 1.0};  // a − y
  const Cost c{CostKind::cross_entropy, Reduction::sum};

  tg::detect_anomaly guard;  // a NaN or Inf anywhere below throws, naming the op
  Mlp::Trace t = net.forward_trace(Variable(X));
  t.z[2].retain_grad();
  const Variable C = cost(c, net, t, Y);
  CHECK(C.item() == doctest::Approx(loss).epsilon(1e-12));
  CHECK(cost(Cost{CostKind::cross_entropy}, net, t, Y).item() == doctest::Approx(loss / 7.0).epsilon(1e-12));

  // First derivatives: ∂C/∂z = a − y (the engine and BP1 by hand), ∂C/∂W = Σ_j δ_j x_j.
  const Variable& W = net.layer(2).W;
  const Variable gW = tg::grad({C}, {W}, /*create_graph=*/true)[0];
  C.backward(tg::scalar_tensor(1.0), /*retain_graph=*/true);  // gW's graph goes through it too
  check_values(t.z[2].grad(), delta);
  check_values(output_delta(c, Activation::sigmoid, t.z[2].value(), t.a[2].value(), Y), delta);
  check_values(gW.value(), {1000.0 + 1000.0 + 1e4 + 1e4 + 0.5 * (sigma(0.5) - 1.0)});

  // Second derivative: ∂²C/∂W² = Σ_j σ'(z_j) x_j², where σ' is exactly 0 at the saturated z.
  const Variable hW = tg::grad({tg::sum(gW)}, {W})[0];
  check_values(hW.value(), {sigma(0.5) * (1.0 - sigma(0.5)) * 0.25});

  // BP1–BP4 by hand agree with the engine at saturation too.
  const CompareReport r = compare(net, X, Y, c);
  CHECK(std::isfinite(r.cost));
  CHECK(r.max_rel_autodiff() < 1e-14);
}

TEST_CASE("log-likelihood on softmax at z = ±1000, ±1e4, mixed: the exact loss, δ = a − y, finite Hessians") {
  // One example; W = z as a column and x = 1, so z^L = W.
  struct Row {
    const char* what;
    Tensor z;
    Tensor y;
    double loss;                // −ln a_{y}
    std::vector<double> delta;  // a − y
  };
  const double ln2 = std::numbers::ln2, ln3 = std::log(3.0);
  const std::vector<Row> rows{
      {"[1000, 0], right and sure", tg::column({1000.0, 0.0}), tg::column({1.0, 0.0}), 0.0, {0.0, 0.0}},
      {"[1000, 0], wrong and sure", tg::column({1000.0, 0.0}), tg::column({0.0, 1.0}), 1000.0, {1.0, -1.0}},
      {"[-1000, -1000, -1000]",
       tg::column({-1000.0, -1000.0, -1000.0}),
       tg::column({1.0, 0.0, 0.0}),
       ln3,
       {1.0 / 3 - 1.0, 1.0 / 3, 1.0 / 3}},
      {"[1e4, -1e4, 0.5]", tg::column({1e4, -1e4, 0.5}), tg::column({0.0, 1.0, 0.0}), 2e4, {1.0, -1.0, 0.0}},
      {"[1000, 0.001, 1000]",
       tg::column({1000.0, 0.001, 1000.0}),
       tg::column({0.0, 1.0, 0.0}),
       1000.0 - 0.001 + ln2,
       {0.5, -1.0, 0.5}},
  };
  for (const Row& row : rows) {
    INFO("row: ", row.what);
    const std::size_t n = row.z.shape()[0];
    const Mlp net = one_layer(row.z, tg::filled({n, 1}, 0.0), Activation::softmax);
    const Cost c{CostKind::log_likelihood};
    tg::detect_anomaly guard;
    Mlp::Trace t = net.forward_trace(Variable(tg::column({1.0})));
    t.z[2].retain_grad();
    const Variable C = cost(c, net, t, row.y);
    CHECK(C.item() == doctest::Approx(row.loss).epsilon(1e-12));

    const Variable& W = net.layer(2).W;
    const Variable gW = tg::grad({C}, {W}, /*create_graph=*/true)[0];  // = δ, since x = 1
    C.backward(tg::scalar_tensor(1.0), /*retain_graph=*/true);         // gW's graph goes through it too
    check_values(t.z[2].grad(), row.delta);
    check_values(output_delta(c, Activation::softmax, t.z[2].value(), t.a[2].value(), row.y), row.delta);
    check_values(gW.value(), row.delta);

    // Hessian in z: diag(a) − a aᵀ, so H u = a ⊙ u − a (a·u), finite however far out z is.
    Tensor u = Tensor::from_shape({n, 1});
    for (std::size_t i = 0; i < n; ++i) u(i, 0) = 1.0 + static_cast<double>(i);
    const Variable hu = tg::grad({tg::sum(gW * Variable(u))}, {W})[0];
    std::vector<double> a(n), expected(n);
    double au = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = row.delta[i] + row.y(i, 0);
      au += a[i] * u(i, 0);
    }
    for (std::size_t i = 0; i < n; ++i) expected[i] = a[i] * u(i, 0) - a[i] * au;
    check_values(hu.value(), expected);
  }
}

TEST_CASE("log-likelihood on sigmoid outputs is computed from z too: −y ln σ(z) = y softplus(−z)") {
  // Two sigmoid outputs of one example, z = [−1000, 1000], y = [1, 0]: σ(−1000) rounds to 0, so
  // −y ln a would be −ln 0 = inf and 0 · ln σ(…) could be 0 · −inf = NaN.
  const Mlp net = one_layer(tg::column({-1000.0, 1000.0}), tg::column({0.0, 0.0}), Activation::sigmoid);
  const Tensor Y = tg::column({1.0, 0.0});
  const Cost c{CostKind::log_likelihood};
  tg::detect_anomaly guard;
  Mlp::Trace t = net.forward_trace(Variable(tg::column({1.0})));
  t.z[2].retain_grad();
  const Variable C = cost(c, net, t, Y);
  CHECK(C.item() == doctest::Approx(1000.0));
  C.backward();
  check_values(t.z[2].grad(), {-1.0, 0.0});  // −y (1 − a)
  check_values(output_delta(c, Activation::sigmoid, t.z[2].value(), t.a[2].value(), Y), {-1.0, 0.0});
}

TEST_CASE(
    "cross-entropy on softmax outputs at z = ±1000, ±1e4: ln(1 − a) from z, finite loss, δ and Hessian") {
  // With two outputs and one-hot y, C = −[ln a_y + ln(1 − a_other)] = −2 ln a_y, so δ = 2(a − y).
  // With three: z = [1e4, −1e4, 0.5], y = e_1: C = −[ln a_1 + ln(1 − a_0) + ln(1 − a_2)]
  //   = 2e4 + (1e4 − 0.5) + 0, and δ = (2, −1, −1) (raising z_2 raises 1 − a_0 ≈ a_2).
  struct Row {
    const char* what;
    Tensor z, y;
    double loss;
    std::vector<double> delta;
  };
  const std::vector<Row> rows{
      {"[1000, 0], right and sure", tg::column({1000.0, 0.0}), tg::column({1.0, 0.0}), 0.0, {0.0, 0.0}},
      {"[1000, 0], wrong and sure", tg::column({1000.0, 0.0}), tg::column({0.0, 1.0}), 2000.0, {2.0, -2.0}},
      {"[-1000, -1000]",
       tg::column({-1000.0, -1000.0}),
       tg::column({0.0, 1.0}),
       2.0 * std::numbers::ln2,
       {1.0, -1.0}},
      {"[1e4, -1e4, 0.5]",
       tg::column({1e4, -1e4, 0.5}),
       tg::column({0.0, 1.0, 0.0}),
       2e4 + 1e4 - 0.5,
       {2.0, -1.0, -1.0}},
  };
  for (const Row& row : rows) {
    INFO("row: ", row.what);
    const std::size_t n = row.z.shape()[0];
    const Mlp net = one_layer(row.z, tg::filled({n, 1}, 0.0), Activation::softmax);  // z^L = W, x = 1
    const Cost c{CostKind::cross_entropy};
    tg::detect_anomaly guard;
    Mlp::Trace t = net.forward_trace(Variable(tg::column({1.0})));
    t.z[2].retain_grad();
    const Variable C = cost(c, net, t, row.y);
    CHECK(C.item() == doctest::Approx(row.loss).epsilon(1e-12));
    const Variable gW = tg::grad({C}, {net.layer(2).W}, /*create_graph=*/true)[0];
    C.backward(tg::scalar_tensor(1.0), /*retain_graph=*/true);  // gW's graph goes through it too
    check_values(t.z[2].grad(), row.delta);
    check_values(output_delta(c, Activation::softmax, t.z[2].value(), t.a[2].value(), row.y), row.delta);
    check_values(gW.value(), row.delta);
    const Variable h =
        tg::grad({tg::sum(gW * gW)}, {net.layer(2).W})[0];  // a second derivative exists and is finite
    for (double v : h.value()) CHECK(std::isfinite(v));
  }
}

TEST_CASE("costs: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Mlp net({2, 3}, Activation::identity, Activation::sigmoid, 1);
  const Mlp deeper({2, 4, 3}, Activation::tanh, Activation::sigmoid, 1);
  const Mlp::Trace t = net.forward_trace(Variable(tg::filled({2, 4}, 0.5)));
  const Tensor Y = tg::filled({3, 4}, 1.0);
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const auto l2 = [](Regularization r, double lambda) {
    return Cost{CostKind::quadratic, Reduction::mean, r, lambda};
  };
  const Tensor& z = t.z[2].value();
  const Tensor& a = t.a[2].value();
  tg::test::check_bad_inputs({
      {"parse_cost: an unknown name", [] { (void)parse_cost("mse"); }, TG_ERROR(std::invalid_argument),
       "unknown cost 'mse' (expected quadratic, cross_entropy or log_likelihood)"},
      {"cost: targets of another shape",
       [&] {
         (void)cost(Cost{}, net, t, tg::filled({3, 5}, 1.0));
       },
       TG_ERROR(tg::shape_error), "cost: targets (3,5) do not match the network's output (3,4)"},
      {"cost: the trace of another network", [&] { (void)cost(Cost{}, deeper, t, Y); },
       TG_ERROR(std::invalid_argument),
       "cost: the trace holds 2 layers but the network has 3: pass this network's net.forward_trace(X)"},
      {"cost: an empty trace", [&] { (void)cost(Cost{}, net, Mlp::Trace{}, Y); },
       TG_ERROR(std::invalid_argument), "cost: the trace holds 0 layers but the network has 2"},
      {"cost: λ negative (Nielsen's L2)", [&] { (void)cost(l2(Regularization::l2, -0.1), net, t, Y); },
       TG_ERROR(std::invalid_argument),
       "cost: the L2 strength λ (Cost::lambda) must be a finite number ≥ 0, got -0.1"},
      {"cost: λ NaN (seed 004's L2)", [&] { (void)cost(l2(Regularization::l2_total, nan), net, t, Y); },
       TG_ERROR(std::invalid_argument),
       "cost: the L2 strength λ (Cost::lambda) must be a finite number ≥ 0, got nan"},
      {"cost: λ infinite", [&] { (void)cost(l2(Regularization::l2, inf), net, t, Y); },
       TG_ERROR(std::invalid_argument), "must be a finite number ≥ 0, got inf"},
      {"cost: the mean over no examples",
       [&] {
         const Mlp::Trace none = net.forward_trace(Variable(Tensor::from_shape({2, 0})));
         (void)cost(Cost{}, net, none, Tensor::from_shape({3, 0}));
       },
       TG_ERROR(std::invalid_argument),
       "cost: the mean over a batch of no examples (targets (3,0)) is undefined; use Reduction::sum"},
      {"l2_coefficient: λ negative", [&] { (void)l2_coefficient(l2(Regularization::l2_total, -1.0), 4); },
       TG_ERROR(std::invalid_argument),
       "l2_coefficient: the L2 strength λ (Cost::lambda) must be a finite number ≥ 0, got -1"},
      {"l2_coefficient: λ/(2n) with n = 0", [&] { (void)l2_coefficient(l2(Regularization::l2, 0.1), 0); },
       TG_ERROR(std::invalid_argument), "l2_coefficient: λ/(2n) needs n ≥ 1, but training_set_size is 0"},
      {"output_delta: targets of another shape",
       [&] {
         (void)output_delta(Cost{}, Activation::sigmoid, z, a, tg::filled({3, 5}, 1.0));
       },
       TG_ERROR(tg::shape_error), "output_delta: targets (3,5) do not match the network's output (3,4)"},
      {"output_delta: z^L of another shape than a^L",
       [&] {
         (void)output_delta(Cost{}, Activation::sigmoid, tg::filled({3, 1}, 0.0), a, Y);
       },
       TG_ERROR(tg::shape_error), "output_delta: z^L (3,1) and a^L (3,4) must be one (N^L, m) shape"},
      {"cost: softmax over one output neuron",
       [&] {
         const Mlp one({2, 1}, Activation::identity, Activation::softmax, 1);
         (void)cost(Cost{CostKind::log_likelihood}, one, one.forward_trace(Variable(tg::filled({2, 4}, 0.5))),
                    tg::filled({1, 4}, 1.0));
       },
       TG_ERROR(std::invalid_argument),
       "cost: log_likelihood on a softmax over a single output neuron: a^L = e^z / e^z = 1 whatever the weights"},
      {"output_delta: softmax over one output neuron, quadratic",
       [&] {
         (void)output_delta(Cost{}, Activation::softmax, tg::filled({1, 2}, 0.0), tg::filled({1, 2}, 1.0),
                            tg::filled({1, 2}, 1.0));
       },
       TG_ERROR(std::invalid_argument), "output_delta: quadratic on a softmax over a single output neuron"},
      {"cost: cross-entropy on an identity output",
       [&] {
         const Mlp id({2, 3}, Activation::identity, Activation::identity, 1);
         (void)cost(Cost{CostKind::cross_entropy}, id, id.forward_trace(Variable(tg::filled({2, 4}, 0.5))),
                    Y);
       },
       TG_ERROR(std::invalid_argument),
       "cost: cross_entropy takes ln a^L and ln(1 − a^L), which needs outputs in (0, 1): use a sigmoid or softmax "
       "output, not identity (its a^L can be any number"},
      {"output_delta: log-likelihood on a tanh output",
       [&] { (void)output_delta(Cost{CostKind::log_likelihood}, Activation::tanh, z, a, Y); },
       TG_ERROR(std::invalid_argument),
       "output_delta: log_likelihood takes ln a^L, which needs outputs in (0, 1): use a "
       "sigmoid or softmax output, not tanh"},
      {"output_delta: cross-entropy on a relu output",
       [&] { (void)output_delta(Cost{CostKind::cross_entropy}, Activation::relu, z, a, Y); },
       TG_ERROR(std::invalid_argument),
       "not relu (its a^L is 0 for every z ≤ 0 (ln 0 = −∞) and grows without bound)"},
      {"cost: a negative target for the log-likelihood",
       [&] {
         Tensor bad = tg::filled({3, 4}, 0.0);
         bad(1, 2) = -0.5;
         (void)cost(Cost{CostKind::log_likelihood}, net, t, bad);
       },
       TG_ERROR(std::invalid_argument),
       "cost: log_likelihood needs targets y ≥ 0 (for y < 0, −y ln a falls without bound as a → 0), but column 2 of "
       "the targets (3,4) has y = -0.5 in row 1"},
      {"output_delta: a target above 1 for cross-entropy",
       [&] {
         Tensor bad = tg::filled({3, 4}, 0.5);
         bad(2, 3) = 1.5;
         (void)output_delta(Cost{CostKind::cross_entropy}, Activation::sigmoid, z, a, bad);
       },
       TG_ERROR(std::invalid_argument),
       "output_delta: cross_entropy needs targets in [0, 1] (y and 1 − y weigh ln a and ln(1 − a); outside, C falls "
       "without bound), but column 3 of the targets (3,4) has y = 1.5 in row 2"},
      {"cost: a negative target for cross-entropy",
       [&] {
         Tensor bad = tg::filled({3, 4}, 0.5);
         bad(0, 0) = -1e-9;
         (void)cost(Cost{CostKind::cross_entropy}, net, t, bad);
       },
       TG_ERROR(std::invalid_argument), "column 0 of the targets (3,4) has y = -1e-09 in row 0"},
      {"cost: a NaN target for the quadratic cost",
       [&] {
         Tensor bad = tg::filled({3, 4}, 0.5);
         bad(1, 1) = nan;
         (void)cost(Cost{}, net, t, bad);
       },
       TG_ERROR(std::invalid_argument),
       "cost: quadratic needs finite targets, but column 1 of the targets (3,4) has y = nan in row 1"},
      {"output_delta: an infinite target for the log-likelihood",
       [&] {
         Tensor bad = tg::filled({3, 4}, 0.0);
         bad(0, 3) = inf;
         (void)output_delta(Cost{CostKind::log_likelihood}, Activation::softmax, z, a, bad);
       },
       TG_ERROR(std::invalid_argument), "output_delta: log_likelihood needs finite targets, but column 3"},
      {"output_delta: vectors, not (N^L, m)",
       [] {
         const Tensor v{0.5, 0.5};
         (void)output_delta(Cost{}, Activation::sigmoid, v, v, v);
       },
       TG_ERROR(tg::shape_error), "output_delta: z^L (2) and a^L (2) must be one (N^L, m) shape"},
  });
  // λ is not read without a regularization: a leftover λ there is no error (and no L2 term).
  CHECK(cost(Cost{CostKind::quadratic, Reduction::mean, Regularization::none, -1.0}, net, t, Y).item() ==
        cost(Cost{}, net, t, Y).item());
  // With Reduction::sum an empty batch costs 0.
  const Mlp::Trace none = net.forward_trace(Variable(Tensor::from_shape({2, 0})));
  CHECK(cost(Cost{CostKind::quadratic, Reduction::sum}, net, none, Tensor::from_shape({3, 0})).item() == 0.0);
}
