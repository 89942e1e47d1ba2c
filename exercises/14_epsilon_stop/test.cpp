// Exercise 14's check: your largest change against its definition, and your loop against
// nn::train with stop_epsilon and max_iterations (seed 003's ε and MAX, full batch, Sgd): it must
// stop at the same step, for the same reason, with the same weights. ε is chosen from the changes
// the library's own steps make, so that the run stops somewhere in the middle (step k, drawn each
// run). Run: scripts/grade.sh 14
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "check.hpp"
#include "epsilon_stop.hpp"
#include "nn/train.hpp"

namespace ex = tg::exercises;
using namespace tg::nn;
using tg::Shape;
using tg::Tensor;
using tg::Variable;

namespace {

const char* const hint_change =
    "the largest |after − before| over every element of every parameter; NaN if any is";
const char* const hint_stop =
    "seed 003: after each step θ ← θ − α ∂C/∂θ, stop when EVERY change |Δθ| of W and b is below ε (the largest "
    "one, not the smallest; the parameters' changes, not the loss's), or after MAX steps";

struct Setup {
  std::vector<std::size_t> sizes;
  std::uint64_t net_seed;
  Tensor X, Y;
  Cost cost;  // seed 003's: ½‖a − y‖² summed over the examples
  double alpha;
  std::string text;
};

Setup random_setup(std::mt19937_64& rng) {
  Setup s;
  s.sizes = {ex::random_size(rng, 2, 4), ex::random_size(rng, 2, 4), ex::random_size(rng, 1, 2)};
  const std::size_t m = ex::random_size(rng, 3, 8);
  s.net_seed = rng() % 100000;
  s.X = ex::random_tensor({s.sizes[0], m}, -1.0, 1.0, rng);
  s.Y = ex::random_tensor({s.sizes[2], m}, 0.1, 0.9, rng);
  s.cost.reduction = Reduction::sum;
  s.alpha = std::uniform_real_distribution<double>(0.5, 1.5)(rng);
  s.text = "a " + std::to_string(s.sizes[0]) + "-" + std::to_string(s.sizes[1]) + "-" +
           std::to_string(s.sizes[2]) + " sigmoid network (seed " + std::to_string(s.net_seed) + "), " +
           std::to_string(m) + " examples, α = " + std::to_string(s.alpha);
  return s;
}

Mlp make_net(const Setup& s) {
  return Mlp(s.sizes, Activation::sigmoid, Activation::sigmoid, s.net_seed, Init::normal);
}

// nn::train with seed 003's rules on a fresh copy of the network: full batch, no epoch limit.
TrainResult library_run(const Setup& s, Mlp& net, double epsilon, std::size_t max_iterations) {
  Sgd opt(net.parameters(), s.alpha);
  TrainOptions o;
  o.batch_size = 0;
  o.epochs = 0;
  o.stop_epsilon = epsilon;
  o.max_iterations = max_iterations;
  return train(net, s.X, s.Y, s.cost, opt, o);
}

// An ε that stops the library's run at a step k in the middle: the largest change of step k is
// a new low, well below those of steps 1..k−1; ε lies between. Returns {ε, k}, or {0, 0} when
// no step makes a new low in 400 (the changes grow: another network is drawn).
std::pair<double, std::size_t> epsilon_in_the_middle(const Setup& s, std::mt19937_64& rng) {
  Mlp net = make_net(s);
  Sgd opt(net.parameters(), s.alpha);
  std::vector<std::pair<double, std::size_t>> candidates;
  double low = INFINITY;  // min of the changes so far
  for (std::size_t k = 1; k <= 400; ++k) {
    const double c = opt.step(gradients(net, s.X, s.Y, s.cost));
    if (k >= 3 && c < 0.99 * low) candidates.push_back({std::sqrt(c * low), k});
    low = std::min(low, c);
  }
  if (candidates.empty()) return {0.0, 0};
  return candidates[ex::random_size(rng, candidates.size() / 2, candidates.size() - 1)];
}

// A random setup and an ε that stops it in the middle.
std::tuple<Setup, double, std::size_t> random_stop(std::mt19937_64& rng) {
  for (int tries = 0; tries < 20; ++tries) {
    Setup s = random_setup(rng);
    const auto [epsilon, k] = epsilon_in_the_middle(s, rng);
    if (k > 0) return {std::move(s), epsilon, k};
  }
  FAIL("20 random networks in a row made no new low change (a bug in the test)");
  return {};
}

// To 1e-7: over hundreds of steps, the rounding of θ − α g (fused into one multiply-add or not)
// grows.
void expect_same_weights(const std::string& input, const Mlp& got, const Mlp& want) {
  for (std::size_t l = 2; l <= want.num_layers(); ++l) {
    ex::expect_close("W^" + std::to_string(l), input, got.layer(l).W.value(), want.layer(l).W.value(),
                     hint_stop, 1e-7);
    ex::expect_close("b^" + std::to_string(l), input, got.layer(l).b.value(), want.layer(l).b.value(),
                     hint_stop, 1e-7);
  }
}

}  // namespace

TEST_CASE("14 ε stop: largest_change, the largest |Δθ| of every element of every parameter") {
  std::mt19937_64 rng = ex::rng_for(1401);
  for (int round = 0; round < 3; ++round) {
    std::vector<Tensor> before, after;
    const std::size_t n = ex::random_size(rng, 2, 4);
    for (std::size_t p = 0; p < n; ++p) {
      const Shape shape = {ex::random_size(rng, 1, 4), ex::random_size(rng, 1, 4)};
      before.push_back(ex::random_tensor(shape, -1.0, 1.0, rng));
      after.push_back(before.back());
      for (double& a : after.back()) a += 1e-3 * std::uniform_real_distribution<double>(-1.0, 1.0)(rng);
    }
    // the largest: a step down, in a parameter past the first
    Tensor& big = after[ex::random_size(rng, 1, n - 1)];
    big.data()[ex::random_size(rng, 0, big.size() - 1)] -= 0.5;
    double want = 0.0;
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t k = 0; k < before[p].size(); ++k)
        want = std::max(want, std::abs(after[p].data()[k] - before[p].data()[k]));
    ex::expect_close("largest_change",
                     std::to_string(n) +
                         " random parameters, each moved by up to 1e-3, one element by 0.5 more",
                     ex::largest_change(before, after), want, hint_change, 1e-12);
  }
  std::vector<Tensor> before = {tg::filled({2, 2}, 1.0)}, after = before;
  after[0](1, 0) = NAN;
  CHECK_MESSAGE(std::isnan(ex::largest_change(before, after)),
                "a NaN change must give NaN (" << hint_change << ")");
}

TEST_CASE("14 ε stop: stops at the same step as nn::train with stop_epsilon, ε reached") {
  std::mt19937_64 rng = ex::rng_for(1402);
  for (int round = 0; round < 2; ++round) {
    const auto [s, epsilon, k] = random_stop(rng);
    Mlp mine = make_net(s), theirs = make_net(s);
    const TrainResult want = library_run(s, theirs, epsilon, 1000);
    REQUIRE_MESSAGE(want.iterations == k,
                    s.text << ": the library stopped at " << want.iterations << ", not " << k);
    const ex::DescentResult got = ex::descend(mine, s.X, s.Y, s.cost, s.alpha, epsilon, 1000);
    const std::string input = s.text + ", ε = " + std::to_string(epsilon) + ", MAX = 1000";
    ex::expect_equal("the steps taken", input, static_cast<long long>(got.iterations),
                     static_cast<long long>(k), hint_stop);
    ex::expect_equal("epsilon_reached (1 yes, 0 no)", input, got.epsilon_reached, 1, hint_stop);
    expect_same_weights(input + ", where it stopped", mine, theirs);
  }
}

TEST_CASE("14 ε stop: MAX first: stops after max_iterations steps, ε not reached") {
  std::mt19937_64 rng = ex::rng_for(1403);
  const Setup s = random_setup(rng);
  const std::size_t max_iterations = ex::random_size(rng, 3, 12);
  Mlp mine = make_net(s), theirs = make_net(s);
  const TrainResult want = library_run(s, theirs, 1e-12, max_iterations);
  REQUIRE(want.reason == StopReason::max_iterations);
  const ex::DescentResult got = ex::descend(mine, s.X, s.Y, s.cost, s.alpha, 1e-12, max_iterations);
  const std::string input = s.text + ", ε = 1e-12, MAX = " + std::to_string(max_iterations);
  ex::expect_equal("the steps taken", input, static_cast<long long>(got.iterations),
                   static_cast<long long>(max_iterations), hint_stop);
  ex::expect_equal("epsilon_reached (1 yes, 0 no)", input, got.epsilon_reached, 0, hint_stop);
  expect_same_weights(input, mine, theirs);
}
