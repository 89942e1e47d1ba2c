// Mlp and Linear (nn/mlp.cpp, nn/linear.cpp): shapes in Nielsen's notation, numbering, errors.
#include <doctest/doctest.h>

#include <type_traits>

#include "autodiff/autodiff.hpp"
#include "nn/mlp.hpp"
#include "support/bad_input.hpp"

using tg::Tensor;
using tg::Variable;
using namespace tg::nn;

TEST_CASE("an Mlp's weights follow Nielsen: W^l is (N^l, N^{l-1}), b^l is (N^l, 1)") {
  Mlp net({784, 100, 10}, Activation::sigmoid, Activation::softmax, 1);
  CHECK(net.num_layers() == 3);
  CHECK(net.layer(2).W.shape() == tg::Shape{100, 784});
  CHECK(net.layer(2).b.shape() == tg::Shape{100, 1});
  CHECK(net.layer(3).W.shape() == tg::Shape{10, 100});
  CHECK(net.parameters().size() == 4);
  CHECK(net.activation(2) == Activation::sigmoid);
  CHECK(net.activation(3) == Activation::softmax);
  CHECK_THROWS_AS(net.layer(1), std::out_of_range);
  CHECK_THROWS_AS(net.layer(4), std::out_of_range);
}

TEST_CASE("a batch is one column per example, the trace keeps z^l and a^l") {
  Mlp net({3, 4, 2}, Activation::tanh, Activation::identity, 7);
  Variable X(Tensor::from_shape({3, 5}));
  X.mutable_value().fill(0.5);
  const Mlp::Trace t = net.forward_trace(X);
  CHECK(t.a[1].same_node(X));
  CHECK(t.z[2].shape() == tg::Shape{4, 5});
  CHECK(t.output().shape() == tg::Shape{2, 5});
  CHECK(t.z[3].same_node(t.a[3]));  // identity output: a^L = z^L
  // Every column is the same example, so every column of the output is the same.
  CHECK(t.output().value()(1, 0) == t.output().value()(1, 4));
}

TEST_CASE("seeded construction is reproducible") {
  Mlp a({2, 3, 1}, Activation::sigmoid, Activation::sigmoid, 42),
      b({2, 3, 1}, Activation::sigmoid, Activation::sigmoid, 42);
  Mlp c({2, 3, 1}, Activation::sigmoid, Activation::sigmoid, 43);
  CHECK(a.layer(2).W.value() == b.layer(2).W.value());
  CHECK(a.layer(2).W.value() != c.layer(2).W.value());
}

// A copy that shares the leaves and one that does not are easy to confuse: copy() is the only one.
static_assert(!std::is_copy_constructible_v<Mlp> && !std::is_copy_assignable_v<Mlp>);
static_assert(std::is_nothrow_move_constructible_v<Mlp> && std::is_move_assignable_v<Mlp>);

TEST_CASE("copy: the same weights in new leaves, so a backward pass leaves the original alone") {
  Mlp net({2, 3, 1}, Activation::tanh, Activation::sigmoid, 5);
  Mlp twin = net.copy();
  CHECK(twin.sizes() == net.sizes());
  CHECK(twin.hidden() == Activation::tanh);
  CHECK(twin.output() == Activation::sigmoid);
  for (std::size_t l = 2; l <= 3; ++l) {
    CHECK(twin.layer(l).W.value() == net.layer(l).W.value());
    CHECK(twin.layer(l).b.value() == net.layer(l).b.value());
    CHECK_FALSE(twin.layer(l).W.same_node(net.layer(l).W));
  }
  tg::sum(twin.forward(Variable(tg::column({0.5, -1.0})))).backward();
  CHECK(twin.layer(2).W.has_grad());
  CHECK_FALSE(net.layer(2).W.has_grad());
  twin.layer(3).b.mutable_value()(0, 0) += 1.0;  // and the copy's weights are its own
  CHECK(twin.layer(3).b.value()(0, 0) == net.layer(3).b.value()(0, 0) + 1.0);
}

TEST_CASE("bad architectures and inputs are clear errors") {
  CHECK_THROWS_WITH_AS(Mlp({4}, Activation::sigmoid, Activation::sigmoid, 1),
                       doctest::Contains("at least two"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(Mlp({4, 0, 2}, Activation::sigmoid, Activation::sigmoid, 1),
                       doctest::Contains("layer 2 has no neurons"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(Mlp({4, 3, 2}, Activation::softmax, Activation::sigmoid, 1),
                       doctest::Contains("output activation"), std::invalid_argument);
  Mlp net({4, 3, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  CHECK_THROWS_WITH_AS(net.forward(Variable(Tensor::from_shape({5, 2}))),
                       doctest::Contains("input (5,2) does not fit: expected (4, m)"), tg::shape_error);
  std::vector<Linear> layers{Linear(Tensor::from_shape({3, 4}), Tensor::from_shape({3, 1})),
                             Linear(Tensor::from_shape({2, 5}), Tensor::from_shape({2, 1}))};
  CHECK_THROWS_WITH_AS(Mlp(layers, Activation::sigmoid, Activation::sigmoid),
                       doctest::Contains("layer 3 takes 5 inputs but layer 2 has 3 neurons"),
                       tg::shape_error);
  CHECK_THROWS_WITH_AS(Linear(Tensor::from_shape({3, 4}), Tensor::from_shape({4, 1})),
                       doctest::Contains("do not fit"), tg::shape_error);
}

TEST_CASE("Mlp: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Mlp net({4, 3, 2}, Activation::sigmoid, Activation::sigmoid, 1);
  const auto layer = [](std::size_t out, std::size_t in) {
    return Linear(tg::filled({out, in}, 0.1), tg::filled({out, 1}, 0.0));
  };
  tg::test::check_bad_inputs({
      {"no sizes", [] { (void)Mlp({}, Activation::sigmoid, Activation::sigmoid, 1); },
       TG_ERROR(std::invalid_argument), "Mlp: needs at least two layer sizes (input and output), got 0"},
      {"one size", [] { (void)Mlp({4}, Activation::sigmoid, Activation::sigmoid, 1); },
       TG_ERROR(std::invalid_argument), "Mlp: needs at least two layer sizes (input and output), got 1"},
      {"no inputs",
       [] {
         (void)Mlp({0, 3}, Activation::sigmoid, Activation::sigmoid, 1);
       },
       TG_ERROR(std::invalid_argument), "Mlp: layer 1 has no neurons"},
      {"an empty output layer",
       [] {
         (void)Mlp({4, 3, 0}, Activation::sigmoid, Activation::sigmoid, 1);
       },
       TG_ERROR(std::invalid_argument), "Mlp: layer 3 has no neurons"},
      {"softmax hidden",
       [] {
         (void)Mlp({4, 3, 2}, Activation::softmax, Activation::softmax, 1);
       },
       TG_ERROR(std::invalid_argument), "Mlp: softmax is an output activation, not a hidden one"},
      {"given layers: none",
       [] { (void)Mlp(std::vector<Linear>{}, Activation::sigmoid, Activation::sigmoid); },
       TG_ERROR(std::invalid_argument), "Mlp: no layers"},
      {"given layers: they do not chain",
       [&] {
         (void)Mlp({layer(3, 4), layer(2, 5)}, Activation::sigmoid, Activation::sigmoid);
       },
       TG_ERROR(tg::shape_error), "Mlp: layer 3 takes 5 inputs but layer 2 has 3 neurons"},
      {"given layers: softmax hidden",
       [&] {
         (void)Mlp({layer(3, 4), layer(2, 3)}, Activation::softmax, Activation::sigmoid);
       },
       TG_ERROR(std::invalid_argument), "Mlp: softmax is an output activation, not a hidden one"},
      {"layer 1 (the input has no weights)", [&] { (void)net.layer(1); }, TG_ERROR(std::out_of_range),
       "Mlp::layer: layers are numbered 2..3, got 1"},
      {"layer past L", [&] { (void)net.layer(4); }, TG_ERROR(std::out_of_range),
       "Mlp::layer: layers are numbered 2..3, got 4"},
      {"activation of layer 1", [&] { (void)net.activation(1); }, TG_ERROR(std::out_of_range),
       "Mlp::activation: layers are numbered 2..3, got 1"},
      {"activation past L", [&] { (void)net.activation(7); }, TG_ERROR(std::out_of_range),
       "Mlp::activation: layers are numbered 2..3, got 7"},
      {"forward: rows that are not N^1",
       [&] {
         (void)net.forward(Variable(Tensor::from_shape({5, 2})));
       },
       TG_ERROR(tg::shape_error),
       "Mlp::forward: input (5,2) does not fit: expected (4, m), one column per example"},
      {"forward: a vector", [&] { (void)net.forward_trace(Variable(tg::filled({4}, 1.0))); },
       TG_ERROR(tg::shape_error), "Mlp::forward: input (4) does not fit: expected (4, m)"},
  });
  // Softmax with no hidden layer to be is the output's: allowed.
  CHECK(Mlp({4, 2}, Activation::softmax, Activation::softmax, 1).num_layers() == 2);
}
