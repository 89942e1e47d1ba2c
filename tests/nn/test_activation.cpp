// Activations (nn/activation.cpp): by hand and recorded agree; σ' by hand matches the engine.
#include <doctest/doctest.h>

#include <cmath>

#include "nn/activation.hpp"
#include "support/bad_input.hpp"
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

TEST_CASE("activations: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Tensor z23 = tg::filled({2, 3}, 0.5);
  tg::test::check_bad_inputs({
      {"parse_activation: a misspelt name", [] { (void)parse_activation("sigmod"); }, TG_ERROR(std::invalid_argument),
       "unknown activation 'sigmod' (expected sigmoid, tanh, relu, identity or softmax)"},
      {"activation_backward: grad_a of another shape", [&] { (void)activation_backward(Activation::sigmoid, z23, z23, tg::filled({1, 3}, 1.0)); },
       TG_ERROR(tg::shape_error), "activation_backward: z (2,3), a (2,3) and grad_a (1,3) must have one shape"},
      {"activation_backward: z of another shape", [&] { (void)activation_backward(Activation::relu, tg::filled({3, 2}, 0.5), z23, z23); },
       TG_ERROR(tg::shape_error), "activation_backward: z (3,2), a (2,3) and grad_a (2,3) must have one shape"},
      {"activation_backward: softmax of a vector", [] {
         const Tensor v{0.5, 0.5};
         (void)activation_backward(Activation::softmax, v, v, v);
       },
       TG_ERROR(tg::shape_error), "activation_backward: softmax works down the columns of an (N, m) matrix, got (2)"},
      {"activate: softmax of a 0-d Variable", [] { (void)activate(Activation::softmax, Variable(1.0)); }, TG_ERROR(tg::shape_error),
       "softmax: axis 0 is out of range for shape ()"},
      {"activate: softmax of a 0-d Tensor", [] { (void)activate(Activation::softmax, tg::scalar_tensor(1.0)); },
       TG_ERROR(tg::shape_error), "softmax_values: axis 0 is out of range for shape ()"},
  });
}
