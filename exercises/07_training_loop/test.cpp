// Exercise 07's check: your training loop against nn::train with the same network seed, data,
// batches and shuffle seed: the loss after every epoch and the final weights, to 1e-12, with
// SGD, momentum and Adam, on random networks and data sets (sizes drawn each run).
// Run: scripts/grade.sh 07
#include <doctest/doctest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "check.hpp"
#include "nn/train.hpp"
#include "training_loop.hpp"

namespace ex = tg::exercises;
using namespace tg::nn;
using tg::Tensor;
using tg::Variable;

namespace {

const char* const hint =
    "each step: opt.zero_grad() (backward adds to θ.grad()), the batch's cost, backward, opt.step(); the "
    "batches from nn::make_batches(m, batch_size, true, rng) with rng = nn::epoch_generator(shuffle_seed, e), "
    "e = 1, 2, ...";

// One run's settings, drawn from the run's seed: a sigmoid network N¹-N²-N³, m examples, batches
// that do not all have the same size, a few epochs.
struct Setup {
  std::vector<std::size_t> sizes;
  std::size_t m, batch_size, epochs;
  std::uint64_t net_seed, shuffle_seed;
  Tensor X, Y;
  std::string text;
};

Setup random_setup(std::mt19937_64& rng, const std::string& rule) {
  Setup s;
  s.sizes = {ex::random_size(rng, 2, 5), ex::random_size(rng, 2, 6), ex::random_size(rng, 1, 3)};
  s.batch_size = ex::random_size(rng, 2, 5);
  s.m = s.batch_size * ex::random_size(rng, 2, 4) + ex::random_size(rng, 1, s.batch_size - 1);
  s.epochs = ex::random_size(rng, 2, 3);
  s.net_seed = rng() % 100000;
  s.shuffle_seed = rng() % 100000;
  s.X = ex::random_tensor({s.sizes[0], s.m}, -2.0, 2.0, rng);
  s.Y = ex::random_tensor({s.sizes[2], s.m}, 0.0, 1.0, rng);
  s.text = "a " + std::to_string(s.sizes[0]) + "-" + std::to_string(s.sizes[1]) + "-" +
           std::to_string(s.sizes[2]) + " sigmoid network (seed " + std::to_string(s.net_seed) + "), " +
           std::to_string(s.m) + " examples in batches of " + std::to_string(s.batch_size) +
           ", shuffle seed " + std::to_string(s.shuffle_seed) + ", " + rule;
  return s;
}

using MakeOptimizer = std::unique_ptr<Optimizer> (*)(const std::vector<Variable>&);

// Trains two copies of the same network, one with your loop and one with nn::train, and
// compares the losses after each epoch, then every weight and bias.
void compare_with_train(const Setup& s, const Cost& cost, MakeOptimizer make) {
  Mlp mine(s.sizes, Activation::sigmoid, Activation::sigmoid, s.net_seed, Init::normal);
  Mlp theirs(s.sizes, Activation::sigmoid, Activation::sigmoid, s.net_seed, Init::normal);
  const std::unique_ptr<Optimizer> my_opt = make(mine.parameters()), their_opt = make(theirs.parameters());
  TrainOptions o;
  o.batch_size = s.batch_size;
  o.epochs = s.epochs;
  o.shuffle_seed = s.shuffle_seed;
  o.exact_figures = true;  // C over the whole set after each epoch, as the loop computes it
  const TrainResult want = train(theirs, s.X, s.Y, cost, *their_opt, o);
  const std::vector<double> got =
      ex::train_by_hand(mine, s.X, s.Y, cost, *my_opt, s.batch_size, s.epochs, s.shuffle_seed);
  REQUIRE_MESSAGE(got.size() == want.loss.size(), s.text << ": " << got.size()
                                                         << " losses returned, expected one per epoch, "
                                                         << want.loss.size());
  for (std::size_t e = 0; e < got.size(); ++e)
    if (!ex::expect_close("the loss after epoch " + std::to_string(e + 1), s.text, got[e], want.loss[e], hint,
                          1e-12))
      return;
  for (std::size_t l = 2; l <= mine.num_layers(); ++l) {
    const std::string where = s.text + ", after training, layer " + std::to_string(l);
    ex::expect_close("W^l", where, mine.layer(l).W.value(), theirs.layer(l).W.value(), hint, 1e-12);
    ex::expect_close("b^l", where, mine.layer(l).b.value(), theirs.layer(l).b.value(), hint, 1e-12);
  }
}

}  // namespace

TEST_CASE("07 training loop: SGD and the quadratic cost, as nn::train") {
  std::mt19937_64 rng = ex::rng_for(701);
  for (int round = 0; round < 2; ++round)
    compare_with_train(random_setup(rng, "SGD η = 0.5, quadratic cost"), Cost{},
                       [](const std::vector<Variable>& p) -> std::unique_ptr<Optimizer> {
                         return std::make_unique<Sgd>(p, 0.5);
                       });
}

TEST_CASE("07 training loop: momentum and cross-entropy, as nn::train") {
  std::mt19937_64 rng = ex::rng_for(702);
  Cost cost;
  cost.kind = CostKind::cross_entropy;
  compare_with_train(random_setup(rng, "momentum η = 0.2, μ = 0.9, cross-entropy"), cost,
                     [](const std::vector<Variable>& p) -> std::unique_ptr<Optimizer> {
                       return std::make_unique<Momentum>(p, 0.2, 0.9);
                     });
}

TEST_CASE("07 training loop: Adam, as nn::train") {
  std::mt19937_64 rng = ex::rng_for(703);
  compare_with_train(random_setup(rng, "Adam η = 0.01, quadratic cost"), Cost{},
                     [](const std::vector<Variable>& p) -> std::unique_ptr<Optimizer> {
                       return std::make_unique<Adam>(p, 0.01);
                     });
}
