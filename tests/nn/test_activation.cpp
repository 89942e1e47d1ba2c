// Activations (nn/activation.cpp): by hand and recorded agree; σ' by hand matches the engine.
#include <doctest/doctest.h>

#include <cmath>

#include "nn/activation.hpp"
#include "support/random.hpp"

using namespace tg::nn;
using tg::Tensor;
using tg::Variable;

TEST_CASE("activate by hand equals the recorded op, for every activation") {
  const Tensor z = tg::test::random_tensor({3, 4}, tg::test::Domain::nonzero, 1);
  for (Activation a : {Activation::sigmoid, Activation::tanh, Activation::relu, Activation::identity, Activation::softmax}) {
    CAPTURE(to_string(a));
    const Tensor by_hand = activate(a, z);
    const Tensor recorded = activate(a, Variable(z)).value();
    for (std::size_t i = 0; i < z.size(); ++i) CHECK(by_hand.data()[i] == doctest::Approx(recorded.data()[i]).epsilon(1e-15));
  }
  // Softmax runs down each column: every example's outputs sum to 1.
  const Tensor s = activate(Activation::softmax, z);
  for (std::size_t j = 0; j < 4; ++j) CHECK(s(0, j) + s(1, j) + s(2, j) == doctest::Approx(1.0));
  // ... also for large inputs.
  const Tensor big = activate(Activation::softmax, tg::column({1000.0, -1000.0}));
  CHECK(big(0, 0) == 1.0);
  CHECK(big(1, 0) == 0.0);
}

TEST_CASE("activation_backward is (∂a/∂z)ᵀ grad_a, as the engine computes it") {
  const Tensor z = tg::test::random_tensor({3, 4}, tg::test::Domain::nonzero, 2);
  const Tensor g = tg::test::random_tensor({3, 4}, tg::test::Domain::any, 3);
  for (Activation a : {Activation::sigmoid, Activation::tanh, Activation::relu, Activation::identity, Activation::softmax}) {
    CAPTURE(to_string(a));
    Variable zv(z, true);
    const Variable av = activate(a, zv);
    const Tensor engine = tg::grad({av}, {zv}, {Variable(g)})[0].value();
    const Tensor by_hand = activation_backward(a, z, av.value(), g);
    for (std::size_t i = 0; i < z.size(); ++i) CHECK(by_hand.data()[i] == doctest::Approx(engine.data()[i]).epsilon(1e-14));
  }
}

TEST_CASE("activation names round-trip, unknown names are a clear error") {
  for (Activation a : {Activation::sigmoid, Activation::tanh, Activation::relu, Activation::identity, Activation::softmax})
    CHECK(parse_activation(to_string(a)) == a);
  CHECK_THROWS_WITH_AS(parse_activation("sigmod"), doctest::Contains("unknown activation 'sigmod'"), std::invalid_argument);
}
