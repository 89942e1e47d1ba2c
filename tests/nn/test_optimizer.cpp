// Optimizers (nn/optimizer.cpp): each update rule against its formula worked by hand, Adam's
// bias correction, gradients from the engine or from BP1–BP4, and bad arguments.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "autodiff/autodiff.hpp"
#include "nn/optimizer.hpp"
#include "nn/train.hpp"
#include "support/bad_input.hpp"
#include "support/random.hpp"

using namespace tg::nn;
using tg::Tensor;
using tg::Variable;

namespace {

// A (1, 1) matrix. (Tensor{{v}} is ambiguous in xtensor 0.24.)
Tensor one_by_one(double v) { return tg::filled({1, 1}, v); }

// Two parameters shaped like a layer's W^l (3, 2) and b^l (3, 1).
std::vector<Variable> two_parameters() {
  return {Variable(tg::test::random_tensor({3, 2}, tg::test::Domain::any, 1), true),
          Variable(tg::test::random_tensor({3, 1}, tg::test::Domain::any, 2), true)};
}

std::vector<Tensor> values(const std::vector<Variable>& ps) {
  std::vector<Tensor> v;
  for (const Variable& p : ps) v.push_back(p.value());
  return v;
}

double max_abs(const Tensor& t) {
  double m = 0.0;
  for (double x : t) m = std::max(m, std::abs(x));
  return m;
}

}  // namespace

TEST_CASE("Sgd: θ ← θ − η g, and the step returns the largest |Δθ|") {
  const auto ps = two_parameters();
  const auto before = values(ps);
  const std::vector<Tensor> g = {tg::test::random_tensor({3, 2}, tg::test::Domain::any, 3),
                                 tg::test::random_tensor({3, 1}, tg::test::Domain::any, 4)};
  Sgd opt(ps, 0.1);
  const double change = opt.step(g);
  CHECK(opt.steps() == 1);
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t k = 0; k < g[i].size(); ++k)
      CHECK(ps[i].value().data()[k] ==
            doctest::Approx(before[i].data()[k] - 0.1 * g[i].data()[k]).epsilon(1e-15));
  CHECK(change == doctest::Approx(0.1 * std::max(max_abs(g[0]), max_abs(g[1]))).epsilon(1e-15));
  // The parameters stay leaves with no history: the update was not recorded.
  CHECK(ps[0].is_leaf());
  CHECK(ps[0].requires_grad());
}

TEST_CASE("Momentum: v ← μ v − η g, θ ← θ + v, worked by hand over two steps") {
  Variable theta(Tensor{{1.0, -2.0}}, true);
  Momentum opt({theta}, 0.5, 0.9);
  // Step 1: v = −0.5·(2, −4) = (−1, 2); θ = (0, 0).
  opt.step({Tensor{{2.0, -4.0}}});
  CHECK(theta.value()(0, 0) == doctest::Approx(0.0));
  CHECK(theta.value()(0, 1) == doctest::Approx(0.0));
  CHECK(opt.velocities()[0](0, 1) == doctest::Approx(2.0));
  // Step 2 with g = (1, 1): v = 0.9·(−1, 2) − 0.5·(1, 1) = (−1.4, 1.3); θ = (−1.4, 1.3).
  const double change = opt.step({Tensor{{1.0, 1.0}}});
  CHECK(theta.value()(0, 0) == doctest::Approx(-1.4));
  CHECK(theta.value()(0, 1) == doctest::Approx(1.3));
  CHECK(change == doctest::Approx(1.4));
  // μ = 0 is plain SGD.
  Variable a(one_by_one(1.0), true), b(one_by_one(1.0), true);
  Momentum no_friction({a}, 0.3, 0.0);
  Sgd sgd({b}, 0.3);
  for (double g : {1.0, -2.0, 0.5}) {
    no_friction.step({one_by_one(g)});
    sgd.step({one_by_one(g)});
  }
  CHECK(a.value()(0, 0) == doctest::Approx(b.value()(0, 0)).epsilon(1e-15));
}

TEST_CASE("Adam's first step moves every parameter by about η against its gradient's sign") {
  // Bias correction: after one step m̂ = g and v̂ = g², so Δθ = −η g/(|g| + ε) ≈ −η sign(g),
  // for gradients of any size. Without the correction it would be −η (1−β₁)/√(1−β₂) sign(g) ≈ −3.16 η.
  Variable theta(Tensor{{0.0, 0.0, 0.0, 0.0, 0.0, 0.0}}, true);
  const Tensor g{{1e-4, -3e-2, 1.0, -7.0, 250.0, -1e3}};
  Adam opt({theta}, 0.01);
  const double change = opt.step({g});
  for (std::size_t k = 0; k < g.size(); ++k) {
    const double sign = g.data()[k] > 0 ? 1.0 : -1.0;
    CHECK(theta.value().data()[k] == doctest::Approx(-0.01 * sign).epsilon(1e-3));
  }
  CHECK(change == doctest::Approx(0.01).epsilon(1e-3));
}

TEST_CASE("Adam on a network: the first step moves every weight and bias by about η") {
  Mlp net({3, 4, 2}, Activation::tanh, Activation::softmax, 5);
  const Tensor X = tg::test::random_tensor({3, 6}, tg::test::Domain::any, 6);
  Tensor Y = tg::filled({2, 6}, 0.0);
  for (std::size_t j = 0; j < 6; ++j) Y(j % 2, j) = 1.0;
  const Cost c{CostKind::log_likelihood};
  const auto before = values(net.parameters());
  Adam opt(net.parameters(), 1e-3);
  opt.step(gradients(net, X, Y, c));
  const auto after = values(net.parameters());
  for (std::size_t i = 0; i < before.size(); ++i)
    for (std::size_t k = 0; k < before[i].size(); ++k)
      CHECK(std::abs(after[i].data()[k] - before[i].data()[k]) == doctest::Approx(1e-3).epsilon(1e-3));
}

TEST_CASE("Adam's moments and bias correction over two steps, by hand") {
  Variable theta(one_by_one(1.0), true);
  const double eta = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  Adam opt({theta}, eta, b1, b2, eps);
  opt.step({one_by_one(2.0)});
  opt.step({one_by_one(-1.0)});
  const double m = b1 * (1 - b1) * 2.0 + (1 - b1) * -1.0;  // m₂ = β₁ m₁ + (1−β₁) g₂
  const double v = b2 * (1 - b2) * 4.0 + (1 - b2) * 1.0;   // v₂ = β₂ v₁ + (1−β₂) g₂²
  const double m_hat = m / (1 - b1 * b1), v_hat = v / (1 - b2 * b2);
  const double step1 = -eta * 2.0 / (2.0 + eps);  // m̂₁ = g₁, √v̂₁ = |g₁|
  const double expected = 1.0 + step1 - eta * m_hat / (std::sqrt(v_hat) + eps);
  CHECK(opt.first_moments()[0](0, 0) == doctest::Approx(m));
  CHECK(opt.second_moments()[0](0, 0) == doctest::Approx(v));
  CHECK(theta.value()(0, 0) == doctest::Approx(expected).epsilon(1e-12));
  // reset() forgets the moments: the next step is a "first" step again.
  opt.reset();
  CHECK(opt.steps() == 0);
  const double keep = theta.value()(0, 0);
  opt.step({one_by_one(-5.0)});
  CHECK(theta.value()(0, 0) - keep == doctest::Approx(eta).epsilon(1e-6));
}

TEST_CASE("a change of η: Momentum's velocity keeps the old η's steps, Adam's next step scales at once") {
  // Momentum, μ = 0.5, g = 1, η = 1 then 0.5 (a schedule's decay between the two steps).
  // tapegrad (η inside the velocity): v₁ = −1, v₂ = μ v₁ − η₂ g = −1: the step did not shrink.
  // PyTorch's SGD(momentum) (η outside): b₁ = 1, b₂ = μ b₁ + g = 1.5, step −η₂ b₂ = −0.75,
  // its whole velocity scaled by F at once. At a fixed η the two agree (v = −η b).
  Variable theta(one_by_one(0.0), true);
  Momentum opt({theta}, 1.0, 0.5);
  opt.step({one_by_one(1.0)});
  opt.set_learning_rate(0.5);
  CHECK(opt.step({one_by_one(1.0)}) == 1.0);
  CHECK(theta.value()(0, 0) == -2.0);
  double b = 1.0, pytorch = -1.0 * b;  // PyTorch's recurrence, for the contrast
  b = 0.5 * b + 1.0;
  pytorch -= 0.5 * b;
  CHECK(pytorch == -1.75);
  CHECK(theta.value()(0, 0) != pytorch);
  // Adam (η outside the moments, as in PyTorch's Adam): after η falls by F = 0.5 the next step is
  // exactly half the one taken at the old η from the same moments.
  Variable kept(one_by_one(1.0), true), decayed(one_by_one(1.0), true);
  Adam at_eta({kept}, 0.1), halved({decayed}, 0.1);
  at_eta.step({one_by_one(2.0)});
  halved.step({one_by_one(2.0)});
  halved.set_learning_rate(0.05);
  const double full = at_eta.step({one_by_one(-1.0)}), half = halved.step({one_by_one(-1.0)});
  CHECK(half == 0.5 * full);
}

TEST_CASE("step() takes the gradients from θ.grad() after backward, zero_grad clears them") {
  Mlp a({2, 3, 1}, Activation::sigmoid, Activation::sigmoid, 9),
      b({2, 3, 1}, Activation::sigmoid, Activation::sigmoid, 9);
  const Tensor X = tg::test::random_tensor({2, 5}, tg::test::Domain::any, 10);
  const Tensor Y{{0.0, 1.0, 1.0, 0.0, 1.0}};
  const Cost c{CostKind::cross_entropy};
  Sgd from_grad(a.parameters(), 0.5), from_backprop(b.parameters(), 0.5);

  cost(c, a, a.forward_trace(Variable(X)), Y).backward();
  from_grad.step();
  from_backprop.step(parameter_gradients(backprop(b, X, Y, c)));
  for (std::size_t i = 0; i < 4; ++i)
    CHECK(max_abs(a.parameters()[i].value() - b.parameters()[i].value()) < 1e-14);

  from_grad.zero_grad();
  for (const Variable& p : a.parameters()) CHECK(max_abs(p.grad()) == 0.0);
}

TEST_CASE("a NaN gradient makes the step report NaN, never a small change") {
  Variable theta(Tensor{{1.0, 2.0}}, true);
  Sgd opt({theta}, 0.1);
  const double change = opt.step({Tensor{{std::numeric_limits<double>::quiet_NaN(), 0.0}}});
  CHECK(std::isnan(change));
  CHECK_FALSE(change < 1e-3);  // so seed 003's ε rule cannot fire on it
}

TEST_CASE("optimizer arguments are checked") {
  const auto ps = two_parameters();
  CHECK_THROWS_AS(Sgd(ps, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(Sgd(ps, -0.1), std::invalid_argument);
  CHECK_THROWS_AS(Sgd(ps, std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  CHECK_THROWS_AS(Sgd({}, 0.1), std::invalid_argument);
  CHECK_THROWS_AS(Momentum(ps, 0.1, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(Momentum(ps, 0.1, -0.5), std::invalid_argument);
  CHECK_THROWS_AS(Adam(ps, 0.1, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(Adam(ps, 0.1, 0.9, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(Adam(ps, 0.1, 0.9, 0.999, 0.0), std::invalid_argument);
  // Only leaves can be updated in place: not the result of an op.
  CHECK_THROWS_AS(Sgd({ps[0] * 2.0}, 0.1), std::invalid_argument);

  Sgd opt(ps, 0.1);
  CHECK_THROWS_AS(opt.step({one_by_one(1.0)}), tg::shape_error);  // too few
  CHECK_THROWS_AS(opt.step({tg::filled({2, 3}, 1.0), tg::filled({3, 1}, 1.0)}),
                  tg::shape_error);              // W's shape transposed
  CHECK_THROWS_AS(opt.step(), tg::graph_error);  // no backward yet: no .grad
  CHECK(opt.steps() == 0);
  CHECK_THROWS_AS(opt.set_learning_rate(0.0), std::invalid_argument);
  opt.set_learning_rate(0.2);
  CHECK(opt.learning_rate() == 0.2);
  CHECK(opt.name() == "sgd");
}

TEST_CASE("state() and restore(): an optimizer restored from another's state steps exactly as it would") {
  const std::vector<Tensor> g{tg::test::random_tensor({3, 2}, tg::test::Domain::any, 5),
                              tg::test::random_tensor({3, 1}, tg::test::Domain::any, 6)};
  const auto check_rule = [&](auto make) {
    const std::vector<Variable> a = two_parameters(), b = two_parameters();
    auto first = make(a);
    first.step(g);
    first.step(g);
    // b: a copy of a's parameters, and a fresh optimizer given first's state and step count.
    for (std::size_t i = 0; i < 2; ++i) b[i].mutable_value() = a[i].value();
    auto second = make(b);
    second.restore(first.steps(), first.state());
    CHECK(second.steps() == 2);
    first.step(g);
    second.step(g);
    for (std::size_t i = 0; i < 2; ++i) CHECK(a[i].value() == b[i].value());  // bit for bit
  };
  check_rule([](const std::vector<Variable>& p) { return Momentum(p, 0.1, 0.9); });
  check_rule([](const std::vector<Variable>& p) { return Adam(p, 0.01); });
  check_rule([](const std::vector<Variable>& p) { return Sgd(p, 0.1); });
  CHECK(Sgd(two_parameters(), 0.1).state().empty());
  CHECK(Adam(two_parameters()).state().size() == 2);
}

TEST_CASE("restore() refuses another rule's slots or shapes that are not the parameters'") {
  Adam adam(two_parameters());
  const Optimizer::State velocity = Momentum(two_parameters(), 0.1).state();
  CHECK_THROWS_WITH_AS(adam.restore(3, velocity),
                       doctest::Contains("the state has slots (velocity), but adam keeps (m, v)"),
                       std::invalid_argument);
  Optimizer::State wrong = adam.state();
  wrong["v"][1] = tg::filled({2, 1}, 0.0);
  CHECK_THROWS_WITH_AS(adam.restore(3, wrong), doctest::Contains("slot 'v' tensor 1 has shape (2,1)"),
                       tg::shape_error);
  wrong["v"].pop_back();
  CHECK_THROWS_WITH_AS(adam.restore(3, wrong), doctest::Contains("holds 1 tensors for 2 parameters"),
                       tg::shape_error);
  CHECK(adam.steps() == 0);  // nothing changed
}

TEST_CASE("optimizers: bad arguments are clear errors") {
  using tg::test::BadInput;
  const auto ps = two_parameters();  // W (3,2), b (3,1)
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  Sgd sgd(ps, 0.1);
  tg::test::check_bad_inputs({
      {"Sgd: η 0", [&] { (void)Sgd(ps, 0.0); }, TG_ERROR(std::invalid_argument),
       "Sgd: the learning rate η must be a positive number, got 0"},
      {"Sgd: η infinite", [&] { (void)Sgd(ps, inf); }, TG_ERROR(std::invalid_argument),
       "Sgd: the learning rate η must be a positive number, got inf"},
      {"Sgd: no parameters", [] { (void)Sgd({}, 0.1); }, TG_ERROR(std::invalid_argument),
       "Sgd: no parameters to optimize"},
      {"Sgd: an empty parameter",
       [&] {
         (void)Sgd({ps[0], Variable()}, 0.1);
       },
       TG_ERROR(std::invalid_argument), "Sgd: parameter 1 is an empty Variable"},
      {"Sgd: a parameter made by an op", [&] { (void)Sgd({ps[0] * 2.0}, 0.1); },
       TG_ERROR(std::invalid_argument),
       "Sgd: parameter 0 ('mul', shape (3,2)) was made by an op; only leaves (weights, biases) can be updated in place"},
      {"Momentum: η negative", [&] { (void)Momentum(ps, -0.1); }, TG_ERROR(std::invalid_argument),
       "Momentum: the learning rate η must be a positive number, got -0.1"},
      {"Momentum: μ 1", [&] { (void)Momentum(ps, 0.1, 1.0); }, TG_ERROR(std::invalid_argument),
       "Momentum: the momentum coefficient μ must lie in [0, 1), got 1"},
      {"Momentum: μ NaN", [&] { (void)Momentum(ps, 0.1, nan); }, TG_ERROR(std::invalid_argument),
       "Momentum: the momentum coefficient μ must lie in [0, 1), got nan"},
      {"Adam: η NaN", [&] { (void)Adam(ps, nan); }, TG_ERROR(std::invalid_argument),
       "Adam: the learning rate η must be a positive number, got nan"},
      {"Adam: β₁ 1", [&] { (void)Adam(ps, 0.1, 1.0); }, TG_ERROR(std::invalid_argument),
       "Adam: β₁ must lie in [0, 1), got 1"},
      {"Adam: β₂ negative", [&] { (void)Adam(ps, 0.1, 0.9, -0.1); }, TG_ERROR(std::invalid_argument),
       "Adam: β₂ must lie in [0, 1), got -0.1"},
      {"Adam: ε 0", [&] { (void)Adam(ps, 0.1, 0.9, 0.999, 0.0); }, TG_ERROR(std::invalid_argument),
       "Adam: ε must be a small positive number, got 0"},
      {"Adam: ε infinite", [&] { (void)Adam(ps, 0.1, 0.9, 0.999, inf); }, TG_ERROR(std::invalid_argument),
       "Adam: ε must be a small positive number, got inf"},
      {"step: one gradient for two parameters", [&] { (void)sgd.step({one_by_one(1.0)}); },
       TG_ERROR(tg::shape_error), "Sgd::step: 1 gradients for 2 parameters"},
      {"step: a gradient of another shape",
       [&] {
         (void)sgd.step({tg::filled({2, 3}, 1.0), tg::filled({3, 1}, 1.0)});
       },
       TG_ERROR(tg::shape_error), "Sgd::step: gradient 0 has shape (2,3) but its parameter has shape (3,2)"},
      {"step: before any backward", [&] { (void)sgd.step(); }, TG_ERROR(tg::graph_error),
       "grad: no gradient yet for 'leaf' (shape (3,2)): backward() has not reached it"},
      {"set_learning_rate: negative", [&] { sgd.set_learning_rate(-1.0); }, TG_ERROR(std::invalid_argument),
       "Sgd: the learning rate η must be a positive number, got -1"},
      {"restore: another rule's slots", [&] { sgd.restore(1, Momentum(ps, 0.1).state()); },
       TG_ERROR(std::invalid_argument), "Sgd::restore: the state has slots (velocity), but sgd keeps (none)"},
  });
  CHECK(sgd.steps() == 0);  // nothing changed
  CHECK(sgd.learning_rate() == 0.1);
}
