// nn::explain (nn/explain.cpp): BP1–BP4 neuron by neuron with the numbers, against nn::backprop
// and the engine, and the printed arithmetic against the printed results.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "nn/backprop.hpp"
#include "nn/explain.hpp"
#include "support/arithmetic.hpp"
#include "support/bad_input.hpp"
#include "support/nets.hpp"
#include "support/random.hpp"

using namespace tg::nn;
using tg::Tensor;
using tg::test::Arithmetic;
using tg::test::seed002_net;

namespace {

const ExplainRow& row(const Explanation& e, const std::string& quantity) {
  for (const ExplainRow& r : e.rows)
    if (r.quantity == quantity) return r;
  FAIL("no row " << quantity);
  return e.rows.front();
}

// a and b within rel of the larger, or within abs of each other (near 0).
bool close(double a, double b, double rel, double abs = 0.0) {
  return std::abs(a - b) <= std::max(abs, rel * std::max({1e-300, std::abs(a), std::abs(b)}));
}

struct Setup {
  std::vector<std::size_t> sizes;
  Activation hidden, output;
  Cost cost;
};

// Every δ^l_j, ∂C/∂b^l_j, ∂C/∂w^l_jk, z^l_j and a^l_j of the explanation equals nn::backprop's
// (relatively, or within abs near 0).
void check_against_backprop(const Mlp& net, const Cost& c, const Tensor& x, const Tensor& y,
                            const Explanation& e, double abs = 0.0) {
  const BackpropResult bp = backprop(net, x, y, c);
  std::size_t checked = 0;
  for (const ExplainRow& r : e.rows) {
    INFO(r.quantity << " = " << r.formula << " = " << r.numbers << " = " << r.value);
    const std::size_t j = r.j - 1;
    double expected = NAN;
    if (r.equation == "BP1" || r.equation == "BP2") expected = bp.delta[r.layer](j, 0);
    else if (r.equation == "BP3") expected = bp.db[r.layer](j, 0);
    else if (r.equation == "BP4") expected = bp.dW[r.layer](j, r.k - 1);
    else if (r.equation.rfind("z^", 0) == 0) expected = bp.z[r.layer](j, 0);
    else if (r.equation.rfind("a^", 0) == 0) expected = bp.a[r.layer](j, 0);
    else continue;
    CHECK(close(r.value, expected, 1e-12, abs));
    ++checked;
  }
  std::size_t expected_rows = 0;  // z, a, δ, b per neuron, w per weight
  for (std::size_t l = 2; l <= net.num_layers(); ++l)
    expected_rows += 4 * net.sizes()[l - 1] + net.sizes()[l - 1] * net.sizes()[l - 2];
  CHECK(checked == expected_rows);
}

// Every row of explain(net, c, x, y) with 17 digits: finite, equal to nn::backprop's value and
// the engine's (relatively, or within abs near 0), given again by its printed arithmetic; the
// text has no inf or nan.
void check_every_row(const Mlp& net, const Cost& c, const Tensor& x, const Tensor& y, double abs = 0.0) {
  ExplainOptions precise;
  precise.digits = 17;
  const Explanation e = explain(net, c, x, y, precise);
  check_against_backprop(net, c, x, y, e, abs);
  for (const ExplainRow& r : e.rows) {
    INFO(r.quantity << " = " << r.formula << " = " << r.numbers << " = " << r.value);
    CHECK(std::isfinite(r.value));
    const bool engine_less = r.equation == "σ'" || r.equation == "∇_a C" || r.equation.rfind("ln", 0) == 0;
    if (!engine_less) REQUIRE(r.engine.has_value());
    if (r.engine) CHECK(close(r.value, *r.engine, 1e-12, abs));
    CHECK(close(Arithmetic::evaluate(r.numbers), r.value, 1e-12, abs));
  }
  const std::string text = format_explanation(e, 17);
  CHECK(text.find("inf") == std::string::npos);
  CHECK(text.find("nan") == std::string::npos);
}

}  // namespace

TEST_CASE("explain: seed 002's network, the seed's own equations and the worked numbers") {
  // Seed 002 (002_84cf4c71a1ed8313.txt): "∂L/∂z^[2] = ∂L/∂a^[2] · ∂a^[2]/∂z^[2] = a − y" and
  // "∂L/∂z^[1] = W^[2]ᵀ · ∂L/∂z^[2] * g'(z^[1])", g' = a(1 − a); its layers [1], [2] are our 2, 3.
  const Mlp net = seed002_net();
  const Tensor x = tg::column({0.05, 0.10}), y = tg::column({1.0});
  const Explanation e = explain(net, Cost{CostKind::cross_entropy}, x, y);
  const double a3 = row(e, "a^3_1").value;
  CHECK(row(e, "δ^3_1").formula == "a^3_1 − y_1");
  CHECK(row(e, "δ^3_1").value == doctest::Approx(a3 - 1.0).epsilon(1e-15));
  CHECK(row(e, "δ^3_1").value == doctest::Approx(-0.2486349304).epsilon(1e-9));  // docs/backprop.md, the demo
  for (std::size_t j = 1; j <= 2; ++j) {
    const double a2 = row(e, "a^2_" + std::to_string(j)).value;
    const double w = net.layer(3).W.value()(0, j - 1);
    const ExplainRow& d = row(e, "δ^2_" + std::to_string(j));
    CHECK(d.value == doctest::Approx(w * (a3 - 1.0) * a2 * (1.0 - a2)).epsilon(1e-14));
    CHECK(d.formula == "(w^3_1" + std::to_string(j) + " δ^3_1) · σ'(z^2_" + std::to_string(j) + ")");
  }
  CHECK(row(e, "∂C/∂b^2_1").value == doctest::Approx(-0.0239983140).epsilon(1e-9));
  CHECK(row(e, "∂C/∂b^2_2").value == doctest::Approx(-0.0269212051).epsilon(1e-9));
  CHECK(row(e, "∂C/∂w^2_11").value == doctest::Approx(-0.0011999157).epsilon(1e-8));
  // The example line, in this network's numbers.
  CHECK(row(e, "δ^2_1").numbers == "(0.4 × (-0.2486)) × 0.2413");
  CHECK(row(e, "z^2_1").numbers == "0.15 × 0.05 + 0.2 × 0.1 + 0.35");
  check_against_backprop(net, Cost{CostKind::cross_entropy}, x, y, e);

  const std::string text = format_explanation(e);
  CHECK(text.find("BP2  δ^2_1 = (w^3_11 δ^3_1) · σ'(z^2_1) = (0.4 × (-0.2486)) × 0.2413 = -0.024") !=
        std::string::npos);
  CHECK(text.find("step 6 (grad of z^3)") != std::string::npos);
  CHECK(text.find("   1  C = mul ()\n") != std::string::npos);
}

TEST_CASE("explain agrees with BP1–BP4 by hand and with autodiff for every cost and activation") {
  const std::vector<Setup> setups{
      {{2, 3, 2}, Activation::sigmoid, Activation::sigmoid, Cost{CostKind::quadratic}},
      {{3, 2, 3}, Activation::tanh, Activation::softmax, Cost{CostKind::log_likelihood}},
      {{2, 4, 3, 2}, Activation::relu, Activation::sigmoid, Cost{CostKind::cross_entropy}},
      {{2, 3, 2}, Activation::sigmoid, Activation::softmax, Cost{CostKind::quadratic}},
      {{2, 3, 3}, Activation::tanh, Activation::softmax, Cost{CostKind::cross_entropy}},
      {{2, 2, 2}, Activation::sigmoid, Activation::sigmoid, Cost{CostKind::log_likelihood}},
      {{1, 3, 1}, Activation::tanh, Activation::identity, Cost{CostKind::quadratic, Reduction::sum}},
      {{2, 3, 1},
       Activation::identity,
       Activation::tanh,
       Cost{CostKind::quadratic, Reduction::mean, Regularization::l2_total, 0.3}},
      {{2, 2, 2},
       Activation::sigmoid,
       Activation::sigmoid,
       Cost{CostKind::cross_entropy, Reduction::mean, Regularization::l2, 0.5, 10}},
  };
  std::uint64_t seed = 1;
  for (const Setup& s : setups) {
    INFO("setup " << seed << ": " << to_string(s.hidden) << " hidden, " << to_string(s.output) << " output, "
                  << describe(s.cost));
    const Mlp net(s.sizes, s.hidden, s.output, seed, Init::normal);
    const Tensor x = tg::test::random_tensor({s.sizes.front(), 1}, tg::test::Domain::any, seed + 100);
    const Tensor y = tg::test::targets_for(s.cost.kind, s.output, s.sizes.back(), 1, seed + 200);
    ++seed;
    ExplainOptions precise;
    precise.digits = 17;
    const Explanation e = explain(net, s.cost, x, y, precise);
    check_against_backprop(net, s.cost, x, y, e);
    for (const ExplainRow& r : e.rows) {
      INFO(r.quantity << " = " << r.formula << " = " << r.numbers << " = " << r.value);
      // The engine's value for the same quantity, where it has one.
      if (r.equation != "σ'" && r.equation != "∇_a C" && r.equation.rfind("ln", 0) != 0)
        REQUIRE(r.engine.has_value());
      if (r.engine) CHECK(close(r.value, *r.engine, 1e-12));
      // With 17 digits the printed arithmetic gives the value itself.
      CHECK(close(Arithmetic::evaluate(r.numbers), r.value, 1e-12));
      // Backward rows say when the tape produced them.
      if (r.part == ExplainPart::backward && r.equation != "∇_a C") CHECK(r.step.has_value());
    }
    // With 4 digits, the rounded numbers give the printed result to about 4 digits.
    for (const ExplainRow& r : explain(net, s.cost, x, y).rows) {
      INFO(r.quantity << " = " << r.numbers << " = " << r.value);
      CHECK(std::abs(Arithmetic::evaluate(r.numbers) - r.value) <= 5e-3 * std::max(1.0, std::abs(r.value)));
    }
  }
}

TEST_CASE("explain is exact for targets that are not one-hot, for every cost and output pairing") {
  std::uint64_t seed = 40;
  for (const tg::test::Pairing p : tg::test::accepted_pairings)
    for (const tg::test::TargetShape shape : tg::test::all_target_shapes) {
      ++seed;
      const Cost c{p.kind, Reduction::mean, seed % 3 == 0 ? Regularization::l2_total : Regularization::none,
                   0.1};
      INFO(describe(c) << " on " << to_string(p.output) << " outputs, "
                       << std::string(tg::test::to_string(shape)));
      const Mlp net({2, 3, 3}, Activation::tanh, p.output, seed, Init::scaled_normal);
      const Tensor x = tg::test::random_tensor({2, 1}, tg::test::Domain::any, seed);
      // One column: all zeros for zero_columns, summing to 0.6 for unnormalised.
      const Tensor y = tg::test::targets_of_shape(shape, p.kind, 3, 1, seed);
      check_every_row(net, c, x, y);
    }
  // The log-likelihood on softmax writes BP1 as a Σy − y unless the column sums to 1.
  const Mlp net({2, 3, 3}, Activation::tanh, Activation::softmax, 3);
  const Explanation soft =
      explain(net, Cost{CostKind::log_likelihood}, tg::column({0.4, -0.8}), tg::column({0.3, 0.3, 0.0}));
  CHECK(row(soft, "δ^3_1").formula == "a^3_1 (y_1 + y_2 + y_3) − y_1");
  CHECK(row(soft, "δ^3_1").numbers.find(" × (0.3 + 0.3 + 0) − 0.3") != std::string::npos);
  const Explanation hard =
      explain(net, Cost{CostKind::log_likelihood}, tg::column({0.4, -0.8}), tg::column({0.0, 1.0, 0.0}));
  CHECK(row(hard, "δ^3_1").formula == "a^3_1 − y_1");
}

TEST_CASE(
    "explain at weights of ±1000: its arithmetic takes the cost's stable forms, no ln 0, no inf, no nan") {
  // Hidden sigmoids saturate (a^2 = (1, e^−500)); z^3 ≈ (1000, −1000, 0), so a^3 rounds to 1 and 0.
  // Before, explain printed ln(0) = inf and -nan beside the engine's finite values (softmax +
  // cross_entropy, sigmoid + log_likelihood).
  std::vector<Linear> layers;
  layers.emplace_back(Tensor{{1000.0, -1000.0}, {-1000.0, 1000.0}}, tg::column({0.0, 0.0}));
  layers.emplace_back(Tensor{{1000.0, -1000.0}, {-1000.0, 1000.0}, {1000.0, 1000.0}},
                      tg::column({0.0, 0.0, -1000.0}));
  const Tensor x = tg::column({0.3, -0.2});  // z^2 = (500, −500)
  for (const tg::test::Pairing p : tg::test::accepted_pairings) {
    const Mlp net(std::vector<Linear>(layers), Activation::sigmoid, p.output);
    for (const Tensor& y :
         {tg::column({0.0, 1.0, 0.0}), tg::column({1.0, 0.0, 0.0}), tg::column({0.2, 0.5, 0.3})}) {
      INFO(to_string(p.kind) << " on " << to_string(p.output) << " outputs, y = " << y(0, 0) << ", "
                             << y(1, 0) << ", " << y(2, 0));
      check_every_row(net, Cost{p.kind}, x, y, 1e-12);
    }
  }
  // The wrong and sure example costs what the cost code says: for cross-entropy on softmax,
  // −[ln a_2 + ln(1 − a_1) + ln(1 − a_3)] = 2000 + 1000 + 0 (z = (1000, −1000, 0)).
  const Mlp net(std::vector<Linear>(layers), Activation::sigmoid, Activation::softmax);
  const Explanation e = explain(net, Cost{CostKind::cross_entropy}, x, tg::column({0.0, 1.0, 0.0}));
  CHECK(row(e, "C").value == doctest::Approx(3000.0).epsilon(1e-12));
  CHECK(row(e, "ln a^3_2").value == doctest::Approx(-2000.0).epsilon(1e-12));
  CHECK(row(e, "ln(1 − a^3_1)").formula ==
        "ln a^3_3 + ln(exp(z^3_2 − z^3_3) + 1)");  // 1 − a_1 = a_2 + a_3, from the runner-up
  CHECK(row(e, "ln(1 − a^3_1)").value == doctest::Approx(-1000.0).epsilon(1e-12));
}

TEST_CASE("explain's backward steps follow the tape: each layer's δ before the layer below, W after δ") {
  const Mlp net({2, 3, 3, 2}, Activation::tanh, Activation::softmax, 7);
  const Explanation e =
      explain(net, Cost{CostKind::log_likelihood}, tg::column({0.3, -0.7}), tg::column({0.0, 1.0}));
  CHECK(row(e, "C").step == std::size_t{1});
  CHECK(*row(e, "δ^4_1").step < *row(e, "δ^3_1").step);
  CHECK(*row(e, "δ^3_1").step < *row(e, "δ^2_1").step);
  CHECK(*row(e, "δ^3_2").step < *row(e, "∂C/∂w^3_21").step);
  CHECK(*row(e, "δ^2_1").step < *row(e, "∂C/∂b^2_1").step);
  CHECK(e.backward.size() >= 3 * 4);  // per layer at least z, b, W, matmul
  for (std::size_t i = 0; i < e.backward.size(); ++i) CHECK(e.backward[i].step == i + 1);
}

TEST_CASE("explain does not touch the network's own gradients") {
  const Mlp net({2, 2, 1}, Activation::sigmoid, Activation::sigmoid, 3);
  explain(net, Cost{}, tg::column({1.0, 2.0}), tg::column({0.5}));
  CHECK(!net.layer(2).W.has_grad());
}

TEST_CASE("explain: bad arguments are clear errors") {
  const Mlp small({2, 2, 1}, Activation::sigmoid, Activation::sigmoid, 1);
  const Mlp wide({2, 9, 1}, Activation::sigmoid, Activation::sigmoid, 1);
  const Tensor x = tg::column({1.0, 2.0}), y = tg::column({1.0});
  tg::test::check_bad_inputs({
      {"explain: a layer wider than max_width", [&] { explain(wide, Cost{}, x, y); },
       TG_ERROR(std::invalid_argument), "explain: layer 2 of [2,9,1] has 9 neurons, more than 8"},
      {"explain: two examples",
       [&] {
         explain(small, Cost{}, Tensor{{1.0, 2.0}, {3.0, 4.0}}, y);
       },
       TG_ERROR(tg::shape_error), "explain: the example x (2,2) does not fit: expected (2, 1)"},
      {"explain: y of the wrong size",
       [&] {
         explain(small, Cost{}, x, tg::column({1.0, 0.0}));
       },
       TG_ERROR(tg::shape_error), "explain: the target y (2,1) does not fit: expected (1, 1)"},
      {"explain: digits 0", [&] { explain(small, Cost{}, x, y, ExplainOptions{0}); },
       TG_ERROR(std::invalid_argument), "explain: digits must be 1..17, got 0"},
  });
  ExplainOptions any_width;
  any_width.max_width = 0;
  CHECK(explain(wide, Cost{}, x, y, any_width).rows.size() > 9 * 4);
}
