// Linear (nn/linear.cpp): one layer's z = W a + b in Nielsen's shapes, and its bad arguments.
#include <doctest/doctest.h>

#include <random>

#include "nn/linear.hpp"
#include "support/bad_input.hpp"

using tg::Shape;
using tg::Tensor;
using tg::Variable;
using namespace tg::nn;

TEST_CASE("Linear: W is (out, in), b is (out, 1), and forward is W A + b with b added to every column") {
  std::mt19937_64 rng(1);
  const Linear drawn(4, 3, Init::xavier, rng);
  CHECK(drawn.W.shape() == Shape{3, 4});
  CHECK(drawn.b.shape() == Shape{3, 1});
  CHECK(drawn.in() == 4);
  CHECK(drawn.out() == 3);
  CHECK(drawn.W.requires_grad());

  const Linear layer(Tensor{{1.0, 2.0}, {0.0, -1.0}, {3.0, 0.5}}, tg::column({0.5, 0.0, -1.0}));
  const Tensor A{{1.0, 0.0}, {1.0, 2.0}};  // two examples: (1, 1) and (0, 2)
  const Tensor Z = layer.forward(Variable(A)).value();
  REQUIRE(tg::shape_of(Z) == Shape{3, 2});
  CHECK(Z == Tensor{{3.5, 4.5}, {-1.0, -2.0}, {2.5, 0.0}});
}

TEST_CASE("Linear: bad arguments are clear errors") {
  using tg::test::BadInput;
  std::mt19937_64 rng(1);
  const Linear layer(Tensor::from_shape({3, 4}), Tensor::from_shape({3, 1}));
  tg::test::check_bad_inputs({
      {"no inputs", [&] { (void)Linear(0, 3, Init::he, rng); }, TG_ERROR(std::invalid_argument),
       "Linear: a layer needs at least one input and one neuron, got in = 0, out = 3 (in is 0)"},
      {"no neurons", [&] { (void)Linear(2, 0, Init::normal, rng); }, TG_ERROR(std::invalid_argument),
       "Linear: a layer needs at least one input and one neuron, got in = 2, out = 0 (out is 0)"},
      {"b a row, not a column",
       [] {
         (void)Linear(Tensor::from_shape({3, 4}), Tensor::from_shape({1, 3}));
       },
       TG_ERROR(tg::shape_error),
       "Linear: W (3,4) and b (1,3) do not fit: expected W (out, in) and b (out, 1)"},
      {"W a vector",
       [] {
         (void)Linear(Tensor::from_shape({3}), Tensor::from_shape({3, 1}));
       },
       TG_ERROR(tg::shape_error), "Linear: W (3) and b (3,1) do not fit"},
      {"W with no columns",
       [] {
         (void)Linear(Tensor::from_shape({3, 0}), Tensor::from_shape({3, 1}));
       },
       TG_ERROR(tg::shape_error),
       "Linear: W (3,0) is empty: a layer needs at least one input and one neuron"},
      {"forward: rows that are not W's columns",
       [&] {
         (void)layer.forward(Variable(Tensor::from_shape({5, 2})));
       },
       TG_ERROR(tg::shape_error),
       "Linear::forward: input (5,2) does not fit W (3,4): expected (4, m), one column per example"},
      {"forward: a vector, which would broadcast with b into (3,3)",
       [&] { (void)layer.forward(Variable(tg::filled({4}, 1.0))); }, TG_ERROR(tg::shape_error),
       "Linear::forward: input (4) does not fit W (3,4)"},
      {"forward: an empty Variable", [&] { (void)layer.forward(Variable()); }, TG_ERROR(tg::graph_error),
       "the Variable is empty"},
  });
}
