// nn::Network: layers composed; a network of fully connected layers is an Mlp, number for number;
// its hand-written backward agrees with the engine's. (Conv and pooling layers: test_conv_backprop.cpp.)
#include <doctest/doctest.h>

#include "autodiff/autodiff.hpp"
#include "nn/backprop.hpp"
#include "nn/flatten_layer.hpp"
#include "nn/fully_connected.hpp"
#include "nn/network.hpp"
#include "nn/network_backprop.hpp"
#include "nn/train.hpp"
#include "support/engine_gradients.hpp"
#include "support/nets.hpp"
#include "support/random.hpp"

using namespace tg::nn;
using tg::Tensor;
using tg::Variable;

namespace {

std::vector<Tensor> engine_gradients(const Network& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  const Variable C = cost(c, net.output(), net.forward_trace(Variable(X)).z.back(), net.forward(Variable(X)),
                          net.weights(), Y);
  std::vector<Tensor> g;
  for (const Variable& gi : tg::grad({C}, net.parameters())) g.push_back(gi.value());
  return g;
}

}  // namespace

TEST_CASE("Network: the layers of an Mlp give its outputs and, by hand, its BP1–BP4 gradients") {
  const Mlp mlp({4, 5, 3}, Activation::tanh, Activation::softmax, 7);
  const Network net = Network::from_mlp(mlp);
  const Tensor X = tg::test::random_tensor({4, 6}, tg::test::Domain::any, 1);
  const Tensor Y = tg::test::targets_for(CostKind::log_likelihood, Activation::softmax, 3, 6, 2);
  const Cost c{CostKind::log_likelihood, Reduction::mean, Regularization::l2, 0.3, 50};
  CHECK(net.forward(Variable(X)).value() == mlp.forward(Variable(X)).value());
  const std::vector<Tensor> by_network = parameter_gradients(backprop(net, X, Y, c));
  const std::vector<Tensor> by_mlp = parameter_gradients(backprop(mlp, X, Y, c));
  const std::vector<Tensor> by_engine = engine_gradients(net, X, Y, c);
  REQUIRE(by_network.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(tg::test::rel(by_network[i], by_mlp[i]) < 1e-15);
    CHECK(tg::test::rel(by_network[i], by_engine[i]) < 1e-12);
  }
}

TEST_CASE("Network: a copy has its own leaves with the same values") {
  const Network net = Network::from_mlp(Mlp({3, 2}, Activation::sigmoid, Activation::sigmoid, 1));
  const Network twin = net.copy();
  CHECK(twin.parameters()[0].value() == net.parameters()[0].value());
  twin.parameters()[0].mutable_value()(0, 0) += 1.0;
  CHECK(twin.parameters()[0].value() != net.parameters()[0].value());
}

TEST_CASE("Network: layers that do not fit each other, or end without a column, are refused naming them") {
  std::mt19937_64 rng(1);
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(std::make_unique<Flatten>(tg::Shape{1, 4, 4}));
  layers.push_back(std::make_unique<FullyConnected>(Linear(15, 2, Init::xavier, rng), Activation::sigmoid));
  CHECK_THROWS_WITH_AS(Network({1, 4, 4}, std::move(layers)),
                       "Network: layer 3 (fc) takes (15) but layer 2 gives (16)", tg::shape_error);
  std::vector<std::unique_ptr<Layer>> no_column;
  no_column.push_back(std::make_unique<Flatten>(tg::Shape{1, 4, 4}));
  CHECK_THROWS_WITH_AS(Network({1, 4, 5}, std::move(no_column)),
                       "Network: layer 2 (flatten) takes (1,4,4) but layer 1 gives (1,4,5)", tg::shape_error);
  std::vector<std::unique_ptr<Layer>> hidden_softmax;
  hidden_softmax.push_back(
      std::make_unique<FullyConnected>(Linear(3, 3, Init::xavier, rng), Activation::softmax));
  hidden_softmax.push_back(
      std::make_unique<FullyConnected>(Linear(3, 2, Init::xavier, rng), Activation::softmax));
  CHECK_THROWS_WITH_AS(Network({3}, std::move(hidden_softmax)),
                       "Network: layer 2 has softmax, an output activation, but is not the last",
                       std::invalid_argument);
}

TEST_CASE("Network: images in, flattened, fully connected: hand and engine agree") {
  std::mt19937_64 rng(3);
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(std::make_unique<Flatten>(tg::Shape{2, 3, 3}));
  layers.push_back(std::make_unique<FullyConnected>(Linear(18, 4, Init::xavier, rng), Activation::sigmoid));
  const Network net({2, 3, 3}, std::move(layers));
  const Tensor X = tg::test::random_tensor({18, 5}, tg::test::Domain::any, 4);
  const Tensor Y = tg::test::targets_for(CostKind::quadratic, Activation::sigmoid, 4, 5, 5);
  const Cost c{CostKind::quadratic};
  const std::vector<Tensor> hand = parameter_gradients(backprop(net, X, Y, c)),
                            engine = engine_gradients(net, X, Y, c);
  for (std::size_t i = 0; i < hand.size(); ++i) CHECK(tg::test::rel(hand[i], engine[i]) < 1e-12);
  // Flattening the images read from the columns gives the columns back.
  CHECK(net.forward_trace(Variable(X)).a[2].value() == X);
}
