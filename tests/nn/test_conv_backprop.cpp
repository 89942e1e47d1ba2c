// Backpropagation through conv (and pooling) layers by hand against the engine, over a sweep of
// geometries, and both against central differences at a few points; the im2col + gemm form of
// (BP2-conv) and (BP4-conv) against their direct loops (nn/conv_reference.hpp).
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "autodiff/autodiff.hpp"
#include "nn/conv_backprop.hpp"
#include "nn/conv_layer.hpp"
#include "nn/conv_reference.hpp"
#include "nn/flatten_layer.hpp"
#include "nn/fully_connected.hpp"
#include "nn/network.hpp"
#include "nn/network_backprop.hpp"
#include "nn/pool_layer.hpp"
#include "support/engine_gradients.hpp"
#include "support/nets.hpp"
#include "support/random.hpp"

using namespace tg::nn;
using tg::Shape;
using tg::Tensor;
using tg::Variable;

namespace {

// One point of the sweep: kernel K×K', stride, padding, channels, batch, maps H×W, filters, and
// the pooling layer after the conv layer: 0 none, 1 max, 2 average (2×2 windows, pool_stride apart).
struct Geometry {
  std::size_t kernel_h, kernel_w, stride, padding, channels, batch, height, width, filters;
  int pool = 0;
  std::size_t pool_stride = 2;
  std::string str() const {
    return fmt::format("K {}×{}, s {}, p {}, C {}, batch {}, {}×{}, F {}, pool {} stride {}", kernel_h,
                       kernel_w, stride, padding, channels, batch, height, width, filters, pool, pool_stride);
  }
};

// A deterministic subsample of kernel 1–5 × stride 1–2 × padding 0–2 × channels 1–8 × batch {1, 7}
// in which every value of each appears several times, in varied company.
std::vector<Geometry> sweep() {
  std::vector<Geometry> points;
  for (std::size_t i = 0; i < 40; ++i) {
    const std::size_t K = 1 + i % 5, K2 = 1 + (i * 3 + 1) % 5;
    points.push_back({K, K2, 1 + (i / 5) % 2, (i / 2) % 3, 1 + (i * 5) % 8, (i / 3) % 2 == 0 ? 1u : 7u,
                      K + 1 + i % 3, K2 + 2 + i % 2, 1 + i % 3, static_cast<int>(i % 3), 1 + (i / 3) % 2});
  }
  return points;
}

// Kernels drawn with std 1/√(C·K·K') (Init::scaled_normal): units that saturate, where σ′ = 1 − a²
// loses its digits to cancellation, would compare the rounding of two formulas, not the equations.
Network conv_net(const Geometry& g, Activation sigma, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::unique_ptr<Layer>> layers;
  const Shape in{g.channels, g.height, g.width};
  layers.push_back(std::make_unique<Conv>(in, g.filters, g.kernel_h, g.kernel_w, g.stride, g.padding, sigma,
                                          Init::scaled_normal, rng));
  Shape maps = layers.back()->output_shape();
  if (g.pool != 0 && maps[1] >= 2 && maps[2] >= 2) {
    layers.push_back(
        std::make_unique<Pooling>(maps, g.pool == 1 ? Pool::max : Pool::average, 2, g.pool_stride));
    maps = layers.back()->output_shape();
  }
  layers.push_back(std::make_unique<Flatten>(maps));
  layers.push_back(
      std::make_unique<FullyConnected>(Linear(tg::numel(maps), 3, Init::xavier, rng), Activation::softmax));
  return Network(in, std::move(layers));
}

std::vector<Tensor> engine_gradients(const Network& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  const Network::Trace t = net.forward_trace(Variable(X));
  const Variable C = cost(c, net.output(), t.z.back(), t.a.back(), net.weights(), Y);
  std::vector<Tensor> g;
  for (const Variable& gi : tg::grad({C}, net.parameters())) g.push_back(gi.value());
  return g;
}

const Cost regularised{CostKind::log_likelihood, Reduction::mean, Regularization::l2, 0.5, 20};

}  // namespace

TEST_CASE(
    "conv sweep: (BP2-conv), (BP3-conv), (BP4-conv) and (BP2-pool) by hand agree with the engine to 1e-12") {
  double worst = 0.0;
  for (const Geometry& g : sweep()) {
    CAPTURE(g.str());
    const Network net = conv_net(g, Activation::tanh, g.kernel_h * 100 + g.channels);
    const Tensor X =
        tg::test::random_tensor({net.input_size(), g.batch}, tg::test::Domain::any, g.batch + g.height);
    const Tensor Y =
        tg::test::targets_for(CostKind::log_likelihood, Activation::softmax, 3, g.batch, g.filters);
    const std::vector<Tensor> hand = parameter_gradients(backprop(net, X, Y, regularised));
    const std::vector<Tensor> engine = engine_gradients(net, X, Y, regularised);
    REQUIRE(hand.size() == engine.size());
    for (std::size_t i = 0; i < hand.size(); ++i) {
      CHECK(tg::test::rel(hand[i], engine[i]) < 1e-12);
      worst = std::max(worst, tg::test::rel(hand[i], engine[i]));
    }
  }
  MESSAGE("largest relative difference, hand vs engine: " << worst);
}

TEST_CASE("conv sweep: the im2col + gemm form equals the direct loops of the same equations") {
  for (const Geometry& g : sweep()) {
    CAPTURE(g.str());
    const Tensor a =
        tg::test::random_tensor({g.batch, g.channels, g.height, g.width}, tg::test::Domain::any, 1);
    const Tensor w =
        tg::test::random_tensor({g.filters, g.channels, g.kernel_h, g.kernel_w}, tg::test::Domain::any, 2);
    const tg::ConvGeometry cg =
        tg::conv_geometry(tg::shape_of(a), tg::shape_of(w), g.stride, g.padding, "test");
    const Tensor delta = tg::test::random_tensor(cg.y_shape(), tg::test::Domain::any, 3);
    CHECK(tg::test::rel(conv_backward_input(delta, w, cg),
                        reference::conv_backward_input(delta, w, cg.x_shape(), g.stride, g.padding)) < 1e-13);
    CHECK(tg::test::rel(conv_backward_weights(a, delta, cg),
                        reference::conv_backward_weights(a, delta, cg.w_shape(), g.stride, g.padding)) <
          1e-13);
    CHECK(tg::test::rel(conv_forward(a, w, tg::filled({g.filters}, 0.5), g.stride, g.padding),
                        tg::conv2d_direct(a, w, tg::filled({g.filters}, 0.5), g.stride, g.padding)) < 1e-13);
  }
}

TEST_CASE("conv and pooling: hand and engine agree with central differences at a few points") {
  for (const Geometry& g :
       {Geometry{3, 3, 1, 1, 2, 1, 5, 5, 2, 1, 2}, Geometry{2, 3, 2, 0, 3, 7, 6, 7, 2, 2, 1},
        Geometry{5, 5, 2, 2, 1, 1, 5, 5, 1, 0, 2}}) {
    CAPTURE(g.str());
    const Network net = conv_net(g, Activation::sigmoid, 9);
    const Tensor X = tg::test::random_tensor({net.input_size(), g.batch}, tg::test::Domain::any, 4);
    const Tensor Y = tg::test::targets_for(CostKind::log_likelihood, Activation::softmax, 3, g.batch, 5);
    const std::vector<Tensor> hand = parameter_gradients(backprop(net, X, Y, regularised));
    const std::vector<Tensor> engine = engine_gradients(net, X, Y, regularised);
    const std::vector<Variable> params = net.parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Tensor numeric = tg::central_differences(params[i], [&] {
        const Network::Trace t = net.forward_trace(Variable(X));
        return cost(regularised, net.output(), t.z.back(), t.a.back(), net.weights(), Y).item();
      });
      CHECK(tg::test::rel(hand[i], numeric) < 1e-7);
      CHECK(tg::test::rel(engine[i], numeric) < 1e-7);
    }
  }
}
