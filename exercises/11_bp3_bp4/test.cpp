// Exercise 11's check: your BP3/BP4 against nn::backprop's ∂C/∂W^l, ∂C/∂b^l and the engine's
// gradients, every layer of random sigmoid networks with batches of several examples (sizes drawn
// each run). Run: scripts/grade.sh 11
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "bp3_bp4.hpp"
#include "check.hpp"
#include "nn/backprop.hpp"
#include "nn/cost.hpp"
#include "nn/mlp.hpp"

namespace ex = tg::exercises;
using namespace tg::nn;
using tg::Tensor;
using tg::Variable;

namespace {

const char* const hint =
    "∂C/∂W^l = δ^l (a^{l−1})ᵀ and ∂C/∂b^l = the columns of δ^l added up: δ^l carries the 1/m already, "
    "do not average again";

struct Net {
  std::vector<std::size_t> sizes;
  std::size_t m;
  std::string text;
};

Net random_net(std::mt19937_64& rng) {
  Net n{{ex::random_size(rng, 1, 5), ex::random_size(rng, 1, 5), ex::random_size(rng, 1, 4)},
        ex::random_size(rng, 2, 6),
        ""};
  n.text = "a random " + std::to_string(n.sizes[0]) + "-" + std::to_string(n.sizes[1]) + "-" +
           std::to_string(n.sizes[2]) + " sigmoid network, " + std::to_string(n.m) + " examples";
  return n;
}

}  // namespace

TEST_CASE("11 BP3/BP4: the same ∂C/∂W^l and ∂C/∂b^l as nn::backprop") {
  std::mt19937_64 rng = ex::rng_for(1101);
  for (int c = 0; c < 4; ++c) {
    const Net n = random_net(rng);
    const Mlp net(n.sizes, Activation::sigmoid, Activation::sigmoid, rng() % 100000, Init::normal);
    const Tensor X = ex::random_tensor({n.sizes[0], n.m}, -2.0, 2.0, rng);
    const Tensor Y = ex::random_tensor({n.sizes[2], n.m}, 0.0, 1.0, rng);
    const BackpropResult bp = backprop(net, X, Y, Cost{});
    for (std::size_t l = 2; l <= net.num_layers(); ++l) {
      const ex::LayerGrads got = ex::bp3_bp4(bp.delta[l], bp.a[l - 1]);
      const std::string input = n.text + ", layer " + std::to_string(l) + ", against nn::backprop";
      ex::expect_close("∂C/∂W^l", input, got.dW, bp.dW[l], hint, 1e-12);
      ex::expect_close("∂C/∂b^l", input, got.db, bp.db[l], hint, 1e-12);
    }
  }
}

TEST_CASE("11 BP3/BP4: the same gradients as the engine") {
  std::mt19937_64 rng = ex::rng_for(1102);
  for (int c = 0; c < 4; ++c) {
    const Net n = random_net(rng);
    const Mlp net(n.sizes, Activation::sigmoid, Activation::sigmoid, rng() % 100000, Init::normal);
    const Tensor X = ex::random_tensor({n.sizes[0], n.m}, -2.0, 2.0, rng);
    const Tensor Y = ex::random_tensor({n.sizes[2], n.m}, 0.0, 1.0, rng);
    Mlp::Trace t = net.forward_trace(Variable(X));
    for (std::size_t l = 2; l <= net.num_layers(); ++l) t.z[l].retain_grad();
    cost(Cost{}, net, t, Y).backward();
    for (std::size_t l = 2; l <= net.num_layers(); ++l) {
      const ex::LayerGrads got = ex::bp3_bp4(t.z[l].grad(), t.a[l - 1].value());
      const std::string input = n.text + ", layer " + std::to_string(l) + ", against the engine";
      ex::expect_close("∂C/∂W^l", input, got.dW, net.layer(l).W.grad(), hint, 1e-10);
      ex::expect_close("∂C/∂b^l", input, got.db, net.layer(l).b.grad(), hint, 1e-10);
    }
  }
}
