// Exercise 13's check: your SGD, momentum and Adam steps against nn::Sgd, nn::Momentum and
// nn::Adam (nn/optimizer.cpp), step after step on a random parameter with random gradients: θ and
// the rule's state (velocity, moments) to 1e-12; and Adam's first step against what the bias
// correction makes of it, a move of about η per element. Run: scripts/grade.sh 13
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "check.hpp"
#include "nn/optimizer.hpp"
#include "optimizers.hpp"

namespace ex = tg::exercises;
using tg::Shape;
using tg::Tensor;
using tg::Variable;

namespace {

const char* const hint_sgd = "θ ← θ − η g";
const char* const hint_momentum = "v ← μ v − η g first, then θ ← θ + v (the new v)";
const char* const hint_adam =
    "m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g², then the bias corrections m̂ = m / (1 − β₁ᵗ), "
    "v̂ = v / (1 − β₂ᵗ) with t = 1 on the first step, and θ ← θ − η m̂ / (√v̂ + ε)";

// A parameter of random shape and a few random gradients for it: the run's seed decides.
struct Run {
  Tensor theta0;
  std::vector<Tensor> grads;
  std::string text;
};

Run random_run(std::uint64_t use, const std::string& rule) {
  std::mt19937_64 rng = ex::rng_for(use);
  const Shape shape = {ex::random_size(rng, 1, 4), ex::random_size(rng, 2, 5)};
  Run r{ex::random_tensor(shape, -2.0, 2.0, rng), {}, ""};
  const std::size_t steps = ex::random_size(rng, 3, 6);
  for (std::size_t t = 0; t < steps; ++t) r.grads.push_back(ex::random_tensor(shape, -3.0, 3.0, rng));
  r.text = "θ " + tg::shape_str(shape) + " with " + std::to_string(steps) + " random gradients, " + rule;
  return r;
}

std::string after(const Run& r, std::size_t t) { return r.text + ", after step " + std::to_string(t + 1); }

}  // namespace

TEST_CASE("13 optimizers: SGD, as nn::Sgd") {
  const Run r = random_run(1301, "η = 0.3");
  Variable param(r.theta0, true);
  tg::nn::Sgd opt({param}, 0.3);
  Tensor theta = r.theta0;
  for (std::size_t t = 0; t < r.grads.size(); ++t) {
    ex::sgd_step(theta, r.grads[t], 0.3);
    opt.step({r.grads[t]});
    if (!ex::expect_close("θ", after(r, t), theta, param.value(), hint_sgd, 1e-12)) break;
  }
}

TEST_CASE("13 optimizers: momentum, as nn::Momentum") {
  const Run r = random_run(1302, "η = 0.1, μ = 0.9");
  Variable param(r.theta0, true);
  tg::nn::Momentum opt({param}, 0.1, 0.9);
  Tensor theta = r.theta0, v = tg::filled(tg::shape_of(theta), 0.0);
  for (std::size_t t = 0; t < r.grads.size(); ++t) {
    ex::momentum_step(theta, v, r.grads[t], 0.1, 0.9);
    opt.step({r.grads[t]});
    if (!ex::expect_close("the velocity v", after(r, t), v, opt.velocities()[0], hint_momentum, 1e-12)) break;
    if (!ex::expect_close("θ", after(r, t), theta, param.value(), hint_momentum, 1e-12)) break;
  }
}

TEST_CASE("13 optimizers: Adam's first step moves each element by η g / (|g| + ε), about η") {
  // t = 1: m̂ = (1 − β₁) g / (1 − β₁) = g and v̂ = g², so Δθ = −η g / (|g| + ε) whatever |g| is
  const Run r = random_run(1303, "Adam, η = 0.01");
  const ex::AdamSettings s{0.01, 0.9, 0.999, 1e-8};
  Tensor theta = r.theta0, m = tg::filled(tg::shape_of(theta), 0.0), v = m;
  ex::adam_step(theta, m, v, r.grads[0], 1, s);
  Tensor want = r.theta0;
  for (std::size_t k = 0; k < want.size(); ++k) {
    const double g = r.grads[0].data()[k];
    want.data()[k] -= s.eta * g / (std::abs(g) + s.epsilon);
  }
  ex::expect_close("θ", after(r, 0), theta, want, hint_adam, 1e-12);
}

TEST_CASE("13 optimizers: Adam, as nn::Adam, step after step") {
  const Run r = random_run(1304, "Adam, η = 0.01, β₁ = 0.8, β₂ = 0.99, ε = 1e-8");
  const ex::AdamSettings s{0.01, 0.8, 0.99, 1e-8};
  Variable param(r.theta0, true);
  tg::nn::Adam opt({param}, s.eta, s.beta1, s.beta2, s.epsilon);
  Tensor theta = r.theta0, m = tg::filled(tg::shape_of(theta), 0.0), v = m;
  for (std::size_t t = 0; t < r.grads.size(); ++t) {
    ex::adam_step(theta, m, v, r.grads[t], t + 1, s);
    opt.step({r.grads[t]});
    if (!ex::expect_close("the first moment m", after(r, t), m, opt.first_moments()[0], hint_adam, 1e-12))
      break;
    if (!ex::expect_close("the second moment v", after(r, t), v, opt.second_moments()[0], hint_adam, 1e-12))
      break;
    if (!ex::expect_close("θ", after(r, t), theta, param.value(), hint_adam, 1e-12)) break;
  }
}
