// Exercise 12's check: your L2 term against its definition and nn::cost's (its value and, through
// the engine, its gradient), and your weight-decay step against one SGD step on the regularised
// cost (nn::Sgd with nn::gradients): the two forms agree, step after step. Random sigmoid networks,
// λ, η, and a batch of m examples from a training set of n > m (sizes drawn each run).
// Run: scripts/grade.sh 12
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "check.hpp"
#include "l2.hpp"
#include "nn/train.hpp"

namespace ex = tg::exercises;
using namespace tg::nn;
using tg::Tensor;
using tg::Variable;

namespace {

const char* const hint_term =
    "the term is λ/(2n) Σ_l ‖W^l‖², the weights only (not the biases), with the ½: its gradient is λ/n W^l";
const char* const hint_step =
    "W ← (1 − ηλ/n) W − η ∂C₀/∂W, and b ← b − η ∂C₀/∂b: the biases are not decayed (the cost term has no b)";

struct Setup {
  std::vector<std::size_t> sizes;
  std::size_t m, n;  // the batch's examples, the training set's
  double lambda, eta;
  std::uint64_t net_seed;
  Tensor X, Y;
  std::string text;
  Cost c0, l2;  // the cost without and with the L2 term
};

Setup random_setup(std::mt19937_64& rng) {
  Setup s;
  s.sizes = {ex::random_size(rng, 2, 5), ex::random_size(rng, 2, 5), ex::random_size(rng, 1, 3)};
  s.m = ex::random_size(rng, 2, 6);
  s.n = s.m + ex::random_size(rng, 1, 20);
  s.lambda = std::uniform_real_distribution<double>(0.5, 5.0)(rng);
  s.eta = std::uniform_real_distribution<double>(0.1, 1.0)(rng);
  s.net_seed = rng() % 100000;
  s.X = ex::random_tensor({s.sizes[0], s.m}, -2.0, 2.0, rng);
  s.Y = ex::random_tensor({s.sizes[2], s.m}, 0.0, 1.0, rng);
  s.l2.regularization = Regularization::l2;
  s.l2.lambda = s.lambda;
  s.l2.training_set_size = s.n;
  s.text = "a " + std::to_string(s.sizes[0]) + "-" + std::to_string(s.sizes[1]) + "-" +
           std::to_string(s.sizes[2]) + " sigmoid network (seed " + std::to_string(s.net_seed) +
           "), λ = " + std::to_string(s.lambda) + ", η = " + std::to_string(s.eta) + ", a batch of " +
           std::to_string(s.m) + " from n = " + std::to_string(s.n);
  return s;
}

Mlp make_net(const Setup& s) {
  return Mlp(s.sizes, Activation::sigmoid, Activation::sigmoid, s.net_seed, Init::normal);
}

// Compares every weight and bias of two networks of one shape.
void expect_same_parameters(const std::string& input, const Mlp& got, const Mlp& want, const char* hint) {
  for (std::size_t l = 2; l <= want.num_layers(); ++l) {
    ex::expect_close("W^" + std::to_string(l), input, got.layer(l).W.value(), want.layer(l).W.value(), hint,
                     1e-12);
    ex::expect_close("b^" + std::to_string(l), input, got.layer(l).b.value(), want.layer(l).b.value(), hint,
                     1e-12);
  }
}

}  // namespace

TEST_CASE("12 L2: the cost term's value, λ/(2n) Σ‖W‖²") {
  std::mt19937_64 rng = ex::rng_for(1201);
  for (int round = 0; round < 3; ++round) {
    const Setup s = random_setup(rng);
    const Mlp net = make_net(s);
    double squares = 0.0;  // Σ_l Σ_jk (w^l_jk)², by loops
    for (std::size_t l = 2; l <= net.num_layers(); ++l)
      for (double w : net.layer(l).W.value()) squares += w * w;
    const double want = s.lambda / (2.0 * static_cast<double>(s.n)) * squares;
    ex::expect_close("the L2 term", s.text, ex::l2_term(net, s.lambda, s.n).item(), want, hint_term, 1e-12);
  }
}

TEST_CASE("12 L2: C₀ + your term has the gradient of nn::cost's L2 cost") {
  std::mt19937_64 rng = ex::rng_for(1202);
  for (int round = 0; round < 3; ++round) {
    const Setup s = random_setup(rng);
    const Mlp net = make_net(s);
    const Variable C =
        cost(s.c0, net, net.forward_trace(Variable(s.X)), s.Y) + ex::l2_term(net, s.lambda, s.n);
    C.backward();
    const std::vector<Tensor> want = gradients(net, s.X, s.Y, s.l2);
    const std::vector<Variable> params = net.parameters();
    for (std::size_t i = 0; i < params.size(); ++i)
      ex::expect_close(i % 2 == 0 ? "∂C/∂W^" + std::to_string(2 + i / 2)
                                  : "∂C/∂b^" + std::to_string(2 + i / 2),
                       s.text + ", the engine's gradient against nn::gradients", params[i].grad(), want[i],
                       hint_term, 1e-10);
  }
}

TEST_CASE("12 L2: one weight-decay step is one SGD step on the L2 cost") {
  std::mt19937_64 rng = ex::rng_for(1203);
  for (int round = 0; round < 3; ++round) {
    const Setup s = random_setup(rng);
    Mlp decayed = make_net(s), sgd = make_net(s);
    ex::weight_decay_step(decayed, gradients(decayed, s.X, s.Y, s.c0), s.eta, s.lambda, s.n);
    Sgd(sgd.parameters(), s.eta).step(gradients(sgd, s.X, s.Y, s.l2));
    expect_same_parameters(s.text + ", after one step", decayed, sgd, hint_step);
  }
}

TEST_CASE("12 L2: both forms, step after step, train the same network") {
  std::mt19937_64 rng = ex::rng_for(1204);
  const Setup s = random_setup(rng);
  Mlp decayed = make_net(s), sgd = make_net(s);
  Sgd opt(sgd.parameters(), s.eta);
  for (int step = 0; step < 5; ++step) {
    ex::weight_decay_step(decayed, gradients(decayed, s.X, s.Y, s.c0), s.eta, s.lambda, s.n);
    opt.step(gradients(sgd, s.X, s.Y, s.l2));
  }
  expect_same_parameters(s.text + ", after 5 steps", decayed, sgd, hint_step);
}
