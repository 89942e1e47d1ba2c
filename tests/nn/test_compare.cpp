// nn::compare (nn/compare.cpp): BP1–BP4 by hand against the autodiff engine over a sweep of
// networks, costs and batches, and the report people read.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "autodiff/xtensor_headers.hpp"
#include "nn/compare.hpp"
#include "nn/conv_layer.hpp"
#include "nn/flatten_layer.hpp"
#include "nn/fully_connected.hpp"
#include "nn/network_backprop.hpp"
#include "nn/pool_layer.hpp"
#include "support/bad_input.hpp"
#include "support/nets.hpp"

using namespace tg::nn;
using tg::Tensor;

namespace {

// Which output activations a cost makes sense with (cross-entropy and the log-likelihood need
// outputs in (0, 1)).
bool fits(CostKind kind, Activation output) {
  if (kind == CostKind::quadratic) return true;
  return output == Activation::sigmoid || output == Activation::softmax;
}

}  // namespace

TEST_CASE("autodiff and BP1–BP4 agree to 1e-12 over a sweep of networks, costs and batches") {
  const std::size_t depths[] = {1, 2, 3, 4, 5};  // weight layers
  const std::size_t widths[] = {1, 2, 5, 16, 64};
  const std::size_t batches[] = {1, 7, 64};
  const Activation hiddens[] = {Activation::sigmoid, Activation::tanh, Activation::relu,
                                Activation::identity};
  const Activation outputs[] = {Activation::sigmoid, Activation::tanh, Activation::relu, Activation::identity,
                                Activation::softmax};
  const CostKind kinds[] = {CostKind::quadratic, CostKind::cross_entropy, CostKind::log_likelihood};
  const Regularization regs[] = {Regularization::none, Regularization::l2, Regularization::l2_total};
  const Reduction reductions[] = {Reduction::mean, Reduction::sum};

  std::size_t case_no = 0, checked = 0;
  bool seen_depth[6] = {}, seen_batch64 = false, seen_width64 = false;
  for (Activation hidden : hiddens)
    for (Activation output : outputs)
      for (CostKind kind : kinds)
        for (Regularization reg : regs)
          for (Reduction red : reductions) {
            if (!fits(kind, output)) continue;
            // Depth, width and batch cycle at different rates, so every combination of the
            // others meets several of each.
            const std::size_t depth = depths[case_no % 5], width = widths[(case_no / 2) % 5],
                              m = batches[(case_no / 3) % 3];
            ++case_no;
            std::vector<std::size_t> sizes{3};
            for (std::size_t i = 1; i < depth; ++i) sizes.push_back(width);
            sizes.push_back(output == Activation::softmax || kind == CostKind::log_likelihood ? 4 : 2);
            const Mlp net(sizes, hidden, output, case_no, Init::scaled_normal);
            const Tensor X = tg::test::random_tensor({3, m}, tg::test::Domain::any, case_no);
            const Tensor Y = tg::test::targets_for(kind, output, sizes.back(), m, case_no);
            const Cost cost{kind, red, reg, 0.3};
            const CompareReport r = compare(net, X, Y, cost);
            const std::string what =
                fmt::format("sizes {} hidden {} output {} {} batch {}", fmt::join(sizes, ","),
                            to_string(hidden), to_string(output), describe(cost), m);
            CAPTURE(what);
            CHECK_MESSAGE(r.max_rel_autodiff() <= 1e-12, format_report(r));
            seen_depth[depth] = true;
            seen_batch64 = seen_batch64 || m == 64;
            seen_width64 = seen_width64 || (width == 64 && depth > 1);
            ++checked;
          }
  CHECK(checked >= 200);
  for (std::size_t d = 1; d <= 5; ++d) CHECK(seen_depth[d]);
  CHECK(seen_batch64);
  CHECK(seen_width64);
}

TEST_CASE("finite differences agree with BP1–BP4 too, and the report says so in a table") {
  const Mlp net({3, 4, 2}, Activation::tanh, Activation::sigmoid, 5);
  const Tensor X = tg::test::random_tensor({3, 6}, tg::test::Domain::any, 1);
  const Tensor Y = tg::test::targets_for(CostKind::cross_entropy, Activation::sigmoid, 2, 6, 2);
  CompareOptions options;
  options.numeric = true;
  const CompareReport r = compare(net, X, Y, Cost{CostKind::cross_entropy}, options);
  REQUIRE(r.parameters.size() == 4);
  CHECK(r.parameters[0].layer == 2);
  CHECK(r.parameters[0].name == "W");
  CHECK(r.parameters[3].shape == tg::Shape{2, 1});
  CHECK(r.max_rel_numeric() < 1e-6);
  CHECK(r.max_rel_numeric() > 0.0);  // finite differences are never exact: the column is real
  const std::string table = format_report(r);
  CHECK(table.find("W^2") != std::string::npos);
  CHECK(table.find("numeric rel") != std::string::npos);
  CHECK(table.find("largest relative difference") != std::string::npos);
}

TEST_CASE("a conv network: each layer's hand-written BP against the engine and finite differences, by name") {
  std::mt19937_64 rng(3);
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(
      std::make_unique<Conv>(tg::Shape{1, 6, 6}, 2, 3, 3, 1, 1, Activation::tanh, Init::scaled_normal, rng));
  layers.push_back(std::make_unique<Pooling>(layers.back()->output_shape(), Pool::max, 2, 2));
  layers.push_back(std::make_unique<Flatten>(layers.back()->output_shape()));
  layers.push_back(
      std::make_unique<FullyConnected>(Linear(18, 3, Init::scaled_normal, rng), Activation::softmax));
  const Network net({1, 6, 6}, std::move(layers));
  const Tensor X = tg::test::random_tensor({36, 4}, tg::test::Domain::any, 1);
  const Tensor Y = tg::test::targets_for(CostKind::log_likelihood, Activation::softmax, 3, 4, 2);
  CompareOptions options;
  options.numeric = true;
  const Cost cost{CostKind::log_likelihood};
  const CompareReport r = compare(net, X, Y, cost, options);
  REQUIRE(r.parameters.size() == 4);
  CHECK(r.parameters[0].layer == 2);
  CHECK(r.parameters[0].name == "w");
  CHECK(r.parameters[0].shape == tg::Shape{2, 1, 3, 3});
  CHECK(r.parameters[1].name == "b");
  CHECK(r.parameters[2].layer == 5);
  CHECK(r.parameters[2].name == "W");
  const std::vector<Tensor> by_hand = parameter_gradients(backprop(net, X, Y, cost));
  for (std::size_t i = 0; i < 4; ++i) CHECK(r.parameters[i].grad_norm == xt::amax(xt::abs(by_hand[i]))());
  CHECK(r.max_rel_autodiff() < 1e-12);
  CHECK(r.max_rel_numeric() < 1e-6);
  CHECK(r.max_rel_numeric() > 0.0);
  CHECK(format_report(r).find("w^2    (2,1,3,3)") != std::string::npos);
  // Named by the equations compared: the first layer's input is x, so no (BP2-conv).
  CHECK(r.by_hand ==
        std::vector<std::string>{"BP1", "BP4-conv", "BP3-conv", "BP2-pool", "BP2", "BP4", "BP3"});
  CHECK(format_report(r).find(
            "largest relative difference, BP1–BP4, BP3-conv, BP4-conv, BP2-pool vs autodiff: ") !=
        std::string::npos);
}

TEST_CASE("a gradient that is not finite is named with its own equation, not every equation of the network") {
  std::mt19937_64 rng(3);
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(
      std::make_unique<Conv>(tg::Shape{1, 4, 4}, 2, 3, 3, 1, 0, Activation::tanh, Init::scaled_normal, rng));
  layers.push_back(std::make_unique<Flatten>(layers.back()->output_shape()));
  layers.push_back(
      std::make_unique<FullyConnected>(Linear(8, 3, Init::scaled_normal, rng), Activation::softmax));
  const Network net({1, 4, 4}, std::move(layers));
  const Tensor X = tg::test::random_tensor({16, 2}, tg::test::Domain::any, 1);
  const Tensor Y = tg::test::targets_for(CostKind::log_likelihood, Activation::softmax, 3, 2, 2);
  const Cost cost{CostKind::log_likelihood};
  CompareReport r = compare(net, X, Y, cost);
  std::vector<std::string> equations;
  for (const ParameterReport& p : r.parameters) equations.push_back(p.equation);
  CHECK(equations == std::vector<std::string>{"BP4-conv", "BP3-conv", "BP4", "BP3"});  // w^2, b^2, W^4, b^4

  // One parameter's gradient not finite at a time: its line names its equation alone.
  for (std::size_t i = 0; i < r.parameters.size(); ++i) {
    CompareReport one = r;
    one.parameters[i].grad_norm = NAN;
    const ParameterReport& p = r.parameters[i];
    CHECK(failures(one) ==
          std::vector<std::string>{fmt::format("∂C/∂{}^{} is not finite: ‖·‖∞ = nan by {}, {} by autodiff",
                                               p.name, p.layer, p.equation, p.autodiff_norm)});
  }

  // A NaN kernel: every gradient is NaN, and the first named is w^2's, by (BP4-conv).
  Network broken = net.copy();
  broken.layer(2).parameters()[0].value.mutable_value().fill(NAN);
  const std::vector<std::string> why = failures(compare(broken, X, Y, cost));
  REQUIRE(why.size() == 3);
  CHECK(why[1] == "∂C/∂w^2 is not finite: ‖·‖∞ = nan by BP4-conv, nan by autodiff");
  CHECK(why[2] == "the gradients of 3 more parameters are not finite either: b^2, W^4, b^4");
}

TEST_CASE("the report names the hand-written equations it compared") {
  const Tensor X = tg::test::random_tensor({3, 2}, tg::test::Domain::any, 1);
  const Tensor Y = tg::test::targets_for(CostKind::quadratic, Activation::sigmoid, 2, 2, 2);
  const Cost cost{CostKind::quadratic};
  const CompareReport hidden = compare(Mlp({3, 4, 2}, Activation::tanh, Activation::sigmoid, 5), X, Y, cost);
  CHECK(hidden.by_hand_str() == "BP1–BP4");
  CHECK(format_report(hidden).find("largest relative difference, BP1–BP4 vs autodiff: ") !=
        std::string::npos);
  // With no hidden layer there is no δ^l but δ^L: BP2 is not used.
  const CompareReport single = compare(Mlp({3, 2}, Activation::tanh, Activation::sigmoid, 5), X, Y, cost);
  CHECK(single.by_hand_str() == "BP1, BP3, BP4");
  CompareReport named;
  CHECK(named.by_hand_str() == "BP by hand");
  named.by_hand = {"BP1", "BP2-pool", "BP2", "BP4-conv", "BP3", "BP4", "BP3-conv"};
  CHECK(named.by_hand_str() == "BP1–BP4, BP3-conv, BP4-conv, BP2-pool");
  named.by_hand = {"BP2-conv", "BP1", "BP4"};
  CHECK(named.by_hand_str() == "BP1, BP4, BP2-conv");
}

TEST_CASE("finite differences at a sample of the weights: evenly spaced, counted, with progress") {
  const Mlp net({3, 4, 2}, Activation::tanh, Activation::sigmoid, 5);  // W^2 12, b^2 4, W^3 8, b^3 2
  const Tensor X = tg::test::random_tensor({3, 6}, tg::test::Domain::any, 1);
  const Tensor Y = tg::test::targets_for(CostKind::cross_entropy, Activation::sigmoid, 2, 6, 2);
  CompareOptions options;
  options.numeric = true;
  const CompareReport full = compare(net, X, Y, Cost{CostKind::cross_entropy}, options);
  CHECK(full.numeric_checked() == 26);
  CHECK(full.elements() == 26);
  options.sample = 3;
  std::vector<std::size_t> calls;
  options.progress = [&](std::size_t done, std::size_t total) {
    CHECK(total == 11);  // 3 + 3 + 3 + 2
    calls.push_back(done);
  };
  const CompareReport some = compare(net, X, Y, Cost{CostKind::cross_entropy}, options);
  CHECK(some.numeric_checked() == 11);
  CHECK(some.elements() == 26);
  CHECK(some.parameters[3].numeric_checked == 2);  // b^3 has only 2
  REQUIRE(calls.size() == 11);
  CHECK(calls.back() == 11);
  CHECK(some.max_rel_numeric() < 1e-6);
  CHECK(some.max_rel_numeric() > 0.0);
}

TEST_CASE("targets that are not one-hot: BP1–BP4, autodiff and finite differences agree for every pairing") {
  // Before BP1 used a Σy − y for the log-likelihood on softmax, the soft column
  // (0.3, 0.3, 0) gave a relative 0.49 against both autodiff and finite differences.
  CompareOptions numeric;
  numeric.numeric = true;
  {
    const Mlp net({2, 3, 3}, Activation::tanh, Activation::softmax, 3);
    const CompareReport r = compare(net, tg::column({0.4, -0.8}), tg::column({0.3, 0.3, 0.0}),
                                    Cost{CostKind::log_likelihood}, numeric);
    CHECK_MESSAGE(r.max_rel_autodiff() <= 1e-12, format_report(r));
    CHECK_MESSAGE(r.max_rel_numeric() <= 1e-6, format_report(r));
    CHECK(failures(r).empty());
  }
  std::uint64_t seed = 10;
  for (const tg::test::Pairing p : tg::test::accepted_pairings)
    for (const tg::test::TargetShape shape : tg::test::all_target_shapes) {
      ++seed;
      const Cost c{p.kind, seed % 2 ? Reduction::mean : Reduction::sum, Regularization::l2, 0.2};
      const std::string what =
          fmt::format("{} on {} outputs, {}", describe(c), to_string(p.output), tg::test::to_string(shape));
      CAPTURE(what);
      const Mlp net({3, 4, 3}, Activation::sigmoid, p.output, seed, Init::scaled_normal);
      const Tensor X = tg::test::random_tensor({3, 5}, tg::test::Domain::any, seed);
      const CompareReport r =
          compare(net, X, tg::test::targets_of_shape(shape, p.kind, 3, 5, seed), c, numeric);
      CHECK_MESSAGE(r.max_rel_autodiff() <= 1e-12, format_report(r));
      CHECK_MESSAGE(r.max_rel_numeric() <= 1e-6, format_report(r));
    }
}

TEST_CASE("a NaN or infinite cost or gradient is a failure, wherever it is: the report's maximum keeps it") {
  // A NaN anywhere in a gradient, first or last, makes the difference NaN.
  for (std::size_t at : {0, 1, 2}) {
    Tensor g{1.0, 2.0, 3.0};
    g.data()[at] = NAN;
    CAPTURE(at);
    CHECK(std::isnan(difference(g, Tensor{1.0, 2.0, 3.0}).max_abs));
    CHECK(std::isnan(difference(Tensor{1.0, 2.0, 3.0}, g).max_rel));
  }
  CHECK(!std::isfinite(difference(Tensor{INFINITY, 1.0}, Tensor{INFINITY, 1.0}).max_rel));  // ∞ − ∞
  CHECK(!std::isfinite(difference(Tensor{1.0, 1.0}, Tensor{1.0, -INFINITY}).max_rel));

  // A network whose W^2 is NaN: every gradient and the cost are NaN. Before, the report's
  // maximum dropped NaN and said "agree to a relative 0".
  Mlp net({2, 3, 2}, Activation::sigmoid, Activation::softmax, 1);
  net.layer(2).W.mutable_value().fill(NAN);
  const Tensor X = tg::filled({2, 4}, 0.5),
               Y = tg::test::targets_for(CostKind::log_likelihood, Activation::softmax, 2, 4, 1);
  CompareOptions numeric;
  numeric.numeric = true;
  const CompareReport r = compare(net, X, Y, Cost{CostKind::log_likelihood}, numeric);
  CHECK(std::isnan(r.cost));
  CHECK(std::isnan(r.max_rel_autodiff()));
  CHECK(std::isnan(r.max_rel_numeric()));
  const std::vector<std::string> why = failures(r);
  REQUIRE(why.size() == 3);  // the cost, W^2, then the others in one line
  CHECK(why[0] == "the cost C is nan, not a finite number: its gradients cannot be checked");
  CHECK(why[1] == "∂C/∂W^2 is not finite: ‖·‖∞ = nan by BP4, nan by autodiff, nan by finite differences");
  CHECK(why[2] == "the gradients of 3 more parameters are not finite either: b^2, W^3, b^3");

  // A finite cost with one NaN gradient element (the report built by hand): still a failure.
  CompareReport one;
  one.by_hand = {"BP1", "BP2", "BP3", "BP4"};
  one.cost = 0.5;
  one.parameters.push_back({2, "W", "BP4", {1, 2}, 1.0, {0.0, 0.0}, {}, NAN});
  one.parameters.push_back({2, "b", "BP3", {1, 1}, 1.0, {0.0, 0.0}, {}, 1.0});
  CHECK(failures(one) == std::vector<std::string>{"∂C/∂W^2 is not finite: ‖·‖∞ = 1 by BP4, nan by autodiff"});
  one.parameters[0].autodiff_norm = 1.0;
  CHECK(failures(one).empty());
  one.parameters[1].autodiff.max_rel = 1e-9;  // beyond the default tolerance
  CHECK(failures(one) ==
        std::vector<std::string>{"BP1–BP4 and autodiff differ by a relative 1e-09 > tolerance 1e-10"});
  CHECK(failures(one, {1e-8, 1e-6}).empty());
}

TEST_CASE("difference: absolute and relative to the larger gradient") {
  const Difference d = difference(Tensor{1.0, -2.0, 0.0}, Tensor{1.0, -2.5, 0.0});
  CHECK(d.max_abs == doctest::Approx(0.5));
  CHECK(d.max_rel == doctest::Approx(0.2));  // 0.5 / 2.5
  CHECK(difference(Tensor{0.0}, Tensor{0.0}).max_rel == 0.0);
  CHECK_THROWS_AS(difference(Tensor{0.0}, Tensor{0.0, 1.0}), tg::shape_error);
}

TEST_CASE("compare: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Mlp net({2, 3, 1}, Activation::sigmoid, Activation::sigmoid, 1);
  const Tensor X = tg::filled({2, 4}, 0.5), Y = tg::filled({1, 4}, 1.0);
  const auto eps = [](double e) {
    CompareOptions o;
    o.numeric = true;
    o.eps = e;
    return o;
  };
  tg::test::check_bad_inputs({
      {"difference: shapes differ",
       [] {
         (void)difference(Tensor{0.0}, Tensor{0.0, 1.0});
       },
       TG_ERROR(tg::shape_error), "difference: (1) and (2) differ in shape"},
      {"eps 0", [&] { (void)compare(net, X, Y, Cost{}, eps(0.0)); }, TG_ERROR(std::invalid_argument),
       "compare: CompareOptions::eps (the finite-difference step) must be a positive number, got 0"},
      {"eps negative", [&] { (void)compare(net, X, Y, Cost{}, eps(-1e-6)); }, TG_ERROR(std::invalid_argument),
       "must be a positive number, got -1e-06"},
      {"eps NaN", [&] { (void)compare(net, X, Y, Cost{}, eps(std::numeric_limits<double>::quiet_NaN())); },
       TG_ERROR(std::invalid_argument), "must be a positive number, got nan"},
      {"inputs that do not fit",
       [&] {
         (void)compare(net, tg::filled({3, 4}, 0.5), Y, Cost{});
       },
       TG_ERROR(tg::shape_error), "backprop: input (3,4) does not fit: expected (2, m)"},
  });
}
