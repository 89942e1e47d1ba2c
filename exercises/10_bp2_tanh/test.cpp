// Exercise 10's check: your bp2_tanh against numbers worked out by hand, against nn::backprop
// (BP1–BP4 written by hand in nn/backprop.cpp) and against the autodiff engine's ∂C/∂z^l,
// on random tanh networks. Run: ctest --test-dir build -R exercises/10 --output-on-failure
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "bp2_tanh.hpp"
#include "check.hpp"
#include "nn/backprop.hpp"
#include "nn/compare.hpp"

using namespace tg::nn;
using tg::Shape;
using tg::Tensor;
using tg::Variable;
using tg::exercises::bp2_tanh;
using tg::exercises::expect_close;
using tg::exercises::random_size;
using tg::exercises::random_tensor;

namespace {

// Targets that suit the cost: one-hot columns for log-likelihood, 0/1 for cross-entropy,
// numbers in [0, 1] for the quadratic cost.     -> (n, m)
Tensor random_targets(CostKind cost, std::size_t n, std::size_t m, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Tensor Y = random_tensor({n, m}, 0.0, 1.0, seed + 100);
  if (cost == CostKind::log_likelihood) {
    Y.fill(0.0);
    for (std::size_t j = 0; j < m; ++j) Y(rng() % n, j) = 1.0;
  } else if (cost == CostKind::cross_entropy) {
    for (double& v : Y) v = v < 0.5 ? 0.0 : 1.0;
  }
  return Y;
}

// δ^l element by element, the slow and obvious way:
//   δ^l_kx = (Σ_j w^{l+1}_jk δ^{l+1}_jx) (1 − tanh²(z^l_kx))
Tensor bp2_by_loops(const Tensor& W, const Tensor& d, const Tensor& z) {
  Tensor out = Tensor::from_shape(tg::shape_of(z));
  for (std::size_t k = 0; k < z.shape()[0]; ++k)
    for (std::size_t x = 0; x < z.shape()[1]; ++x) {
      double s = 0.0;
      for (std::size_t j = 0; j < W.shape()[0]; ++j) s += W(j, k) * d(j, x);
      const double t = std::tanh(z(k, x));
      out(k, x) = s * (1.0 - t * t);
    }
  return out;
}

// The hint for this exercise's typical mistakes.
const char* const hint =
    "δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ (1 − tanh²(z^l)): transpose W^{l+1}, and take σ' at z^l, the weighted "
    "input (seed 004 writes f'(a_j) for f'(z_j); 1 − tanh²(a^l) is wrong)";

// got against want to a relative 1e-12, naming the first wrong element.
void check_close(const Tensor& got, const Tensor& want, const std::string& input) {
  expect_close("δ^l", input, got, want, hint, 1e-12);
}

struct Case {
  std::vector<std::size_t> sizes;  // N^1, ..., N^L; layers 2..L−1 are tanh
  Activation output;
  CostKind cost;
  std::size_t m;  // examples in the batch
  std::uint64_t seed;
};

// Five networks, one per output layer and cost, with sizes and batch drawn from the run's seed.
std::vector<Case> random_cases() {
  const std::pair<Activation, CostKind> kinds[] = {{Activation::sigmoid, CostKind::quadratic},
                                                   {Activation::softmax, CostKind::log_likelihood},
                                                   {Activation::sigmoid, CostKind::cross_entropy},
                                                   {Activation::identity, CostKind::quadratic},
                                                   {Activation::tanh, CostKind::quadratic}};
  std::mt19937_64 rng = tg::exercises::rng_for(1);
  std::vector<Case> cases;
  for (const auto& [output, cost] : kinds) {
    std::vector<std::size_t> sizes(random_size(rng, 3, 5));
    for (std::size_t& n : sizes) n = random_size(rng, 1, 7);
    sizes.back() = random_size(rng, 2, 5);  // a softmax of one output is 1 whatever z: δ^L would be 0
    cases.push_back({sizes, output, cost, random_size(rng, 1, 6), rng() % 100000});
  }
  return cases;
}

std::string describe(const Case& c, std::size_t l) {
  std::string sizes = std::to_string(c.sizes[0]);
  for (std::size_t i = 1; i < c.sizes.size(); ++i) sizes.append("-").append(std::to_string(c.sizes[i]));
  return "a random " + sizes + " tanh network (seed " + std::to_string(c.seed) + "), " + std::to_string(c.m) +
         " examples, layer " + std::to_string(l);
}

}  // namespace

TEST_CASE("10 BP2 for tanh: a worked example with one example and two neurons") {
  // W^{l+1} = [1 2] (1, 2), δ^{l+1} = [0.5] (1, 1), z^l = (0, 1)ᵀ (2, 1):
  //   (W^{l+1})ᵀ δ^{l+1} = (0.5, 1.0)ᵀ,  σ'(z^l) = (1 − tanh²0, 1 − tanh²1) = (1, 0.41997...)
  const Tensor W = {{1.0, 2.0}};
  const Tensor d = tg::filled({1, 1}, 0.5);
  const Tensor z = tg::column({0.0, 1.0});
  const Tensor want = tg::column({0.5, 1.0 - std::tanh(1.0) * std::tanh(1.0)});
  expect_close("δ^l", "W^{l+1} = [1 2], δ^{l+1} = [0.5], z^l = (0, 1)ᵀ", bp2_tanh(W, d, z), want, hint,
               1e-14);
}

TEST_CASE("10 BP2 for tanh: a batch, a W that is not square, saturated neurons") {
  // W^{l+1}: (3, 2) so that (W^{l+1})ᵀ δ^{l+1} is (2, m): forgetting the transpose cannot fit.
  const Tensor W = random_tensor({3, 2}, -1.0, 1.0, 11);
  const Tensor d = random_tensor({3, 4}, -1.0, 1.0, 12);
  Tensor z = random_tensor({2, 4}, -2.0, 2.0, 13);
  z(0, 3) = 25.0;  // tanh saturates: σ' ≈ 0, δ stays finite
  z(1, 3) = -25.0;
  check_close(bp2_tanh(W, d, z), bp2_by_loops(W, d, z), "random W^{l+1} (3, 2), δ^{l+1} (3, 4), z^l (2, 4)");
}

TEST_CASE("10 BP2 for tanh: the same δ^l as nn::backprop on random tanh networks") {
  for (const Case& c : random_cases()) {
    const Mlp net(c.sizes, Activation::tanh, c.output, c.seed, Init::normal);
    const Tensor X = random_tensor({c.sizes.front(), c.m}, -1.5, 1.5, c.seed + 10);
    const Tensor Y = random_targets(c.cost, c.sizes.back(), c.m, c.seed + 20);
    const BackpropResult bp = backprop(net, X, Y, Cost{c.cost});
    for (std::size_t l = 2; l < net.num_layers(); ++l)  // the hidden layers
      check_close(bp2_tanh(net.layer(l + 1).W.value(), bp.delta[l + 1], bp.z[l]), bp.delta[l],
                  describe(c, l) + ", against nn::backprop");
  }
}

TEST_CASE("10 BP2 for tanh: the same δ^l as the engine's ∂C/∂z^l") {
  for (const Case& c : random_cases()) {
    const Mlp net(c.sizes, Activation::tanh, c.output, c.seed + 50, Init::normal);
    const Tensor X = random_tensor({c.sizes.front(), c.m}, -1.5, 1.5, c.seed + 60);
    const Tensor Y = random_targets(c.cost, c.sizes.back(), c.m, c.seed + 70);
    // The engine's δ^l: keep the gradient of every z^l, then backward from C.
    Mlp::Trace t = net.forward_trace(Variable(X));
    for (std::size_t l = 2; l <= net.num_layers(); ++l) t.z[l].retain_grad();
    cost(Cost{c.cost}, net, t, Y).backward();
    for (std::size_t l = 2; l < net.num_layers(); ++l)
      check_close(bp2_tanh(net.layer(l + 1).W.value(), t.z[l + 1].grad(), t.z[l].value()), t.z[l].grad(),
                  describe(c, l) + " (seed + 50), against the engine's ∂C/∂z^l");
  }
}
