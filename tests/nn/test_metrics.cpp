#include "nn/metrics.hpp"

#include <doctest/doctest.h>

#include <random>

#include "nn/conv_layer.hpp"
#include "nn/flatten_layer.hpp"
#include "nn/fully_connected.hpp"
#include "support/random.hpp"

using namespace tg::nn;
using tg::Tensor;
using tg::Variable;

namespace {

// C and the accuracy from one recorded-free forward pass over the whole set: the definition.
template <class Net>
Evaluation one_pass(const Net& net, const Tensor& X, const Tensor& Y, const Cost& c) {
  tg::no_grad guard;
  const auto trace = net.forward_trace(Variable(X));
  return {.cost = cost(c, net, trace, Y).item(),
          .accuracy = accuracy(trace.output().value(), Y),
          .predicted = {}};
}

// m random one-hot targets over k classes.
Tensor one_hot_targets(std::size_t k, std::size_t m, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Tensor Y = Tensor::from_shape({k, m});
  Y.fill(0.0);
  for (std::size_t j = 0; j < m; ++j) Y(rng() % k, j) = 1.0;
  return Y;
}

// m examples of n byte-valued features (v / 255), as bytes and as the Tensor they stand for.
std::pair<ColumnGatherer, Tensor> byte_inputs(std::size_t n, std::size_t m, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> bytes(n * m);
  for (std::uint8_t& b : bytes) b = static_cast<std::uint8_t>(rng());
  Tensor X = Tensor::from_shape({n, m});
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t i = 0; i < n; ++i) X(i, j) = bytes[j * n + i] / 255.0;
  return {ColumnGatherer(std::move(bytes), n, 255.0), X};
}

}  // namespace

TEST_CASE("evaluate in chunks gives what one pass over the set gives, the L2 term added once") {
  // 2,345 examples: two whole chunks and a partial one.
  const std::size_t m = 2345;
  const auto [rows, X] = byte_inputs(6, m, 1);
  const Tensor Y = one_hot_targets(3, m, 2);
  const ExampleSet set(rows, Y);
  const Mlp net({6, 5, 3}, Activation::sigmoid, Activation::softmax, 3);
  for (const Cost& c :
       {Cost{CostKind::log_likelihood}, Cost{CostKind::log_likelihood, Reduction::sum},
        Cost{CostKind::quadratic, Reduction::mean, Regularization::l2, 0.5},
        Cost{CostKind::log_likelihood, Reduction::mean, Regularization::l2_total, 0.1, 60000}}) {
    CAPTURE(describe(c));
    const Evaluation reference = one_pass(net, X, Y, c);
    for (const Evaluation& e : {evaluate(net, X, Y, c), evaluate(net, set, c)}) {
      CHECK(e.cost == doctest::Approx(reference.cost).epsilon(1e-12));
      CHECK(e.accuracy == reference.accuracy);
    }
  }
}

TEST_CASE("a bad target in a chunked evaluation is named by its column in the whole set") {
  const std::size_t m = 2345;
  const auto [rows, X] = byte_inputs(6, m, 1);
  Tensor Y = one_hot_targets(3, m, 2);
  Y(1, 1500) = -0.5;  // log-likelihood needs y ≥ 0; column 1500 is in the second chunk
  const Mlp net({6, 5, 3}, Activation::sigmoid, Activation::softmax, 3);
  const ExampleSet set(rows, Y);
  for (const bool whole : {true, false}) {
    CAPTURE(whole);
    try {
      if (whole) evaluate(net, X, Y, Cost{CostKind::log_likelihood});
      else evaluate(net, set, Cost{CostKind::log_likelihood});
      FAIL("a negative target was accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("column 1500 of the targets (3,2345)") != std::string::npos);
    }
  }
}

TEST_CASE("a conv Network is evaluated in chunks too, as one pass gives") {
  const std::size_t m = 1203;
  const auto [rows, X] = byte_inputs(16, m, 4);
  const Tensor Y = one_hot_targets(2, m, 5);
  std::mt19937_64 rng(6);
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(
      std::make_unique<Conv>(tg::Shape{1, 4, 4}, 2, 3, 3, 1, 0, Activation::relu, Init::he, rng));
  layers.push_back(std::make_unique<Flatten>(tg::Shape{2, 2, 2}));
  layers.push_back(std::make_unique<FullyConnected>(Linear(8, 2, Init::xavier, rng), Activation::softmax));
  const Network net({1, 4, 4}, std::move(layers));
  const Cost c{CostKind::log_likelihood, Reduction::mean, Regularization::l2, 1.0};
  const Evaluation reference = one_pass(net, X, Y, c);
  const Evaluation e = evaluate(net, ExampleSet(rows, Y), c);
  CHECK(e.cost == doctest::Approx(reference.cost).epsilon(1e-12));
  CHECK(e.accuracy == reference.accuracy);
}

TEST_CASE("evaluate refuses a set that does not fit the network, naming the shapes") {
  const auto [rows, X] = byte_inputs(6, 10, 1);
  const Mlp net({5, 3}, Activation::sigmoid, Activation::softmax, 3);
  CHECK_THROWS_WITH_AS(evaluate(net, ExampleSet(rows, one_hot_targets(3, 10, 2)), Cost{CostKind::quadratic}),
                       doctest::Contains("inputs X (6,10) do not fit the network: expected (5, m)"),
                       tg::shape_error);
}

namespace {

// A fully connected layer that notes the most examples (columns) one forward pass gave it.
struct CountingLayer : FullyConnected {
  using FullyConnected::FullyConnected;
  std::shared_ptr<std::size_t> most = std::make_shared<std::size_t>(0);
  Variable forward(const Variable& a_prev) const override {
    *most = std::max(*most, a_prev.value().shape()[1]);
    return FullyConnected::forward(a_prev);
  }
};

}  // namespace

TEST_CASE("evaluate keeps each example's predicted class, one chunk at a time, as one pass gives them") {
  // 2,345 examples, three chunks: the classes of one forward pass over all of them, in order,
  // while no forward pass sees more than a chunk (memory that does not grow with the set).
  const std::size_t m = 2345;
  const auto [rows, X] = byte_inputs(6, m, 7);
  const Tensor Y = one_hot_targets(4, m, 8);
  std::mt19937_64 rng(9);
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(std::make_unique<CountingLayer>(Linear(6, 4, Init::xavier, rng), Activation::softmax));
  const std::shared_ptr<std::size_t> most = dynamic_cast<const CountingLayer&>(*layers[0]).most;
  const Network net({6}, std::move(layers));
  const Cost c{CostKind::log_likelihood};
  const std::vector<std::size_t> reference = class_labels(predict(net, X));
  REQUIRE(*most == m);
  *most = 0;
  const Evaluation e = evaluate(net, ExampleSet(rows, Y), c, {.keep_predicted = true});
  CHECK(*most == evaluation_chunk);
  CHECK(e.predicted == reference);
  CHECK(e.accuracy == accuracy(predict(net, X), Y));
  CHECK(evaluate(net, X, Y, c).predicted.empty());                        // kept only when asked for
  const Mlp mlp({6, 5, 4}, Activation::sigmoid, Activation::softmax, 3);  // an Mlp alike
  CHECK(evaluate(mlp, X, Y, c, {.keep_predicted = true}).predicted == class_labels(predict(mlp, X)));
}

TEST_CASE("evaluate over a range of a set is one pass over those examples") {
  const std::size_t m = 2345;
  const auto [rows, X] = byte_inputs(6, m, 1);
  const Tensor Y = one_hot_targets(3, m, 2);
  const Mlp net({6, 5, 3}, Activation::sigmoid, Activation::softmax, 3);
  const Cost c{CostKind::log_likelihood, Reduction::mean, Regularization::l2, 0.5, m};
  for (const auto& [begin, end] : {std::pair<std::size_t, std::size_t>{0, 1000}, {700, 2345}, {1999, 2001}}) {
    CAPTURE(begin);
    const Tensor Xr = xt::view(X, xt::all(), xt::range(begin, end)),
                 Yr = xt::view(Y, xt::all(), xt::range(begin, end));
    const Evaluation reference = one_pass(net, Xr, Yr, c);
    for (const Evaluation& e :
         {evaluate(net, X, Y, c, {begin, end}), evaluate(net, rows, Y, c, {begin, end})}) {
      CHECK(e.cost == doctest::Approx(reference.cost).epsilon(1e-12));
      CHECK(e.accuracy == reference.accuracy);
    }
  }
  CHECK(evaluate(net, rows, Y, c, {2000}).cost ==
        doctest::Approx(evaluate(net, rows, Y, c, {2000, 5000}).cost));
  CHECK_THROWS_WITH_AS(evaluate(net, rows, Y, c, {2345, 2400}),
                       doctest::Contains("no examples from 2345 to 2400 in a set of 2345"),
                       std::out_of_range);
  // A scope with no end of its own runs to the set's end, and says so (not the largest count).
  CHECK_THROWS_WITH_AS(evaluate(net, rows, Y, c, {2345}),
                       doctest::Contains("evaluate: no examples from 2345 to the end in a set of 2345"),
                       std::out_of_range);
  CHECK_THROWS_WITH_AS(evaluate(net, X, Y, c, {3000}),
                       doctest::Contains("evaluate: no examples from 3000 to the end in a set of 2345"),
                       std::out_of_range);
}
