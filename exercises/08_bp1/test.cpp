// Exercise 08's check: your BP1 for the quadratic cost and for cross-entropy against the engine's
// ∂C/∂z^L on random sigmoid networks (sizes, batch and targets drawn each run), and against
// nn::output_delta (BP1 by hand). Run: scripts/grade.sh 08
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "bp1.hpp"
#include "check.hpp"
#include "nn/cost.hpp"
#include "nn/mlp.hpp"

namespace ex = tg::exercises;
using namespace tg::nn;
using tg::Tensor;
using tg::Variable;

namespace {

using Bp1 = std::function<Tensor(const Tensor&, const Tensor&, const Tensor&)>;

const char* const quadratic_hint =
    "δ^L = (a − y)/m ⊙ σ'(z^L), σ'(z) = a(1 − a); the cost is a mean over m examples";
const char* const cross_entropy_hint =
    "∇_a C = (a − y)/(m a(1 − a)) and σ' = a(1 − a) cancel: δ^L = (a − y)/m, no σ' left (seed 002)";

// Random sigmoid networks; for each, your δ^L against the engine's ∂C/∂z^L and nn::output_delta.
void check(CostKind kind, const Bp1& mine, const char* hint, std::uint64_t use) {
  std::mt19937_64 rng = ex::rng_for(use);
  for (int c = 0; c < 4; ++c) {
    const std::vector<std::size_t> sizes = {ex::random_size(rng, 1, 5), ex::random_size(rng, 1, 5),
                                            ex::random_size(rng, 1, 4)};
    const std::size_t m = ex::random_size(rng, 1, 6);
    const Mlp net(sizes, Activation::sigmoid, Activation::sigmoid, rng() % 100000, Init::normal);
    const Tensor X = ex::random_tensor({sizes[0], m}, -2.0, 2.0, rng);
    Tensor Y = ex::random_tensor({sizes[2], m}, 0.0, 1.0, rng);
    if (kind == CostKind::cross_entropy)
      for (double& y : Y) y = y < 0.5 ? 0.0 : 1.0;
    Mlp::Trace t = net.forward_trace(Variable(X));
    const std::size_t L = net.num_layers();
    t.z[L].retain_grad();
    cost(Cost{kind}, net, t, Y).backward();
    const Tensor got = mine(t.z[L].value(), t.a[L].value(), Y);
    const std::string input = "a random " + std::to_string(sizes[0]) + "-" + std::to_string(sizes[1]) + "-" +
                              std::to_string(sizes[2]) + " sigmoid network, " + std::to_string(m) +
                              " examples";
    ex::expect_close("δ^L", input + ", against the engine's ∂C/∂z^L", got, t.z[L].grad(), hint, 1e-10);
    ex::expect_close("δ^L", input + ", against nn::output_delta", got,
                     output_delta(Cost{kind}, Activation::sigmoid, t.z[L].value(), t.a[L].value(), Y), hint,
                     1e-10);
  }
}

}  // namespace

TEST_CASE("08 BP1: (1) the quadratic cost") {
  check(CostKind::quadratic, ex::bp1_quadratic, quadratic_hint, 801);
}

TEST_CASE("08 BP1: (2) cross-entropy, σ' cancelled") {
  check(CostKind::cross_entropy, ex::bp1_cross_entropy, cross_entropy_hint, 802);
}

TEST_CASE("08 BP1: (2) cross-entropy on a saturated neuron still learns") {
  // z = ±30 against the wrong target: σ'(z) ≈ 1e-13, yet δ = (a − y)/m ≈ ±1, so the neuron learns.
  const Tensor z = tg::column({30.0, -30.0});
  Tensor a = z;
  for (double& v : a) v = 1.0 / (1.0 + std::exp(-v));
  const Tensor Y = tg::column({0.0, 1.0});
  ex::expect_close("δ^L", "z = (30, −30), y = (0, 1), one example", ex::bp1_cross_entropy(z, a, Y),
                   tg::column({a(0, 0) - 0.0, a(1, 0) - 1.0}), cross_entropy_hint, 1e-10);
}
