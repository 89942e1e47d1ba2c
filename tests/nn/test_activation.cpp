// Activations (nn/activation.cpp): every row of the table, by hand and recorded, its σ' against
// finite differences and the engine's op, its text against its numbers.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "nn/activation.hpp"
#include "nn/worked.hpp"
#include "support/arithmetic.hpp"
#include "support/bad_input.hpp"
#include "support/random.hpp"

using namespace tg::nn;
using tg::Tensor;
using tg::Variable;

TEST_CASE("activate by hand equals the recorded op, for every activation") {
  const Tensor z = tg::test::random_tensor({3, 4}, tg::test::Domain::nonzero, 1);
  for (const ActivationRow& row : activation_table()) {
    const Activation a = row.kind;
    CAPTURE(to_string(a));
    const Tensor by_hand = activate(a, z);
    const Tensor recorded = activate(a, Variable(z)).value();
    for (std::size_t i = 0; i < z.size(); ++i)
      CHECK(by_hand.data()[i] == doctest::Approx(recorded.data()[i]).epsilon(1e-15));
  }
  // Softmax runs down each column: every example's outputs sum to 1.
  const Tensor s = activate(Activation::softmax, z);
  for (std::size_t j = 0; j < 4; ++j) CHECK(s(0, j) + s(1, j) + s(2, j) == doctest::Approx(1.0));
  // ... also for large inputs.
  const Tensor big = activate(Activation::softmax, tg::column({1000.0, -1000.0}));
  CHECK(big(0, 0) == 1.0);
  CHECK(big(1, 0) == 0.0);
}

// Σ_i g_i σ(z)_i as a function of the leaf z, for central differences.
double weighted_sum(const ActivationRow& row, const Variable& z, const Tensor& g) {
  const Tensor a = row.values(z.value());
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += g.data()[i] * a.data()[i];
  return s;
}

// Every row, with no test to add for a new one: f agrees with the engine's op; σ' (from z or a)
// agrees with central differences of f and with the op's own derivative; (∂a/∂z)ᵀ g agrees with
// the engine and with central differences of Σ g ⊙ σ(z); explain's text gives the row's values.
TEST_CASE("every row of the activation table: f and σ' against finite differences and the engine's op") {
  const Tensor z =
      tg::test::random_tensor({3, 4}, tg::test::Domain::nonzero, 5);  // |z| ≥ 0.3: off relu's kink
  const Tensor g = tg::test::random_tensor({3, 4}, tg::test::Domain::any, 6);
  const tg::nn::NumberWriter w(17);
  for (const ActivationRow& row : activation_table()) {
    CAPTURE(row.name);
    Variable zv(z, true);
    const Variable av = row.op(zv);
    const Tensor engine = tg::grad({av}, {zv}, {Variable(g)})[0].value();
    const Tensor by_hand = activation_backward(row.kind, z, av.value(), g);
    const Tensor fd = tg::central_differences(zv, [&] { return weighted_sum(row, zv, g); });
    for (std::size_t i = 0; i < z.size(); ++i) {
      CHECK(by_hand.data()[i] == doctest::Approx(engine.data()[i]).epsilon(1e-14));
      CHECK(by_hand.data()[i] == doctest::Approx(fd.data()[i]).epsilon(1e-7));
    }
    REQUIRE(bool(row.f) == bool(row.derivative));  // elementwise, or a column function with neither
    if (!row.f) continue;
    REQUIRE(row.value_text);
    for (std::size_t i = 0; i < z.size(); ++i) {
      const double zi = z.data()[i], ai = row.f(zi), h = 1e-6;
      CAPTURE(zi);
      CHECK(ai == doctest::Approx(av.value().data()[i]).epsilon(1e-15));
      const double d = row.derivative(zi, ai);
      CHECK(d == doctest::Approx((row.f(zi + h) - row.f(zi - h)) / (2 * h)).epsilon(1e-8));
      CHECK(d * g.data()[i] == doctest::Approx(engine.data()[i]).epsilon(1e-14));
      // explain's numbers evaluate to the row's values
      const std::string value = fmt::format(fmt::runtime(row.value_text), fmt::arg("z", w.num(zi)));
      CHECK(tg::test::Arithmetic::evaluate(value) == doctest::Approx(ai).epsilon(1e-15));
      const std::string slope =
          fmt::format(fmt::runtime(row.derivative_numbers), fmt::arg("z", w.operand(zi)),
                      fmt::arg("a", w.operand(ai)), fmt::arg("v", w.num(d)));
      CHECK(tg::test::Arithmetic::evaluate(slope) == doctest::Approx(d).epsilon(1e-15));
    }
  }
}

TEST_CASE("activation_backward is (∂a/∂z)ᵀ grad_a, as the engine computes it") {
  const Tensor z = tg::test::random_tensor({3, 4}, tg::test::Domain::nonzero, 2);
  const Tensor g = tg::test::random_tensor({3, 4}, tg::test::Domain::any, 3);
  for (const ActivationRow& row : activation_table()) {
    const Activation a = row.kind;
    CAPTURE(to_string(a));
    Variable zv(z, true);
    const Variable av = activate(a, zv);
    const Tensor engine = tg::grad({av}, {zv}, {Variable(g)})[0].value();
    const Tensor by_hand = activation_backward(a, z, av.value(), g);
    for (std::size_t i = 0; i < z.size(); ++i)
      CHECK(by_hand.data()[i] == doctest::Approx(engine.data()[i]).epsilon(1e-14));
  }
}

TEST_CASE("activation names round-trip, unknown names are a clear error") {
  for (const ActivationRow& r : activation_table()) {
    CHECK(parse_activation(r.name) == r.kind);
    CHECK(&row(r.kind) == &r);  // the table is in the enum's order
  }
  CHECK_THROWS_WITH_AS(parse_activation("sigmod"), doctest::Contains("unknown activation 'sigmod'"),
                       std::invalid_argument);
}

TEST_CASE("activations: bad arguments are clear errors") {
  using tg::test::BadInput;
  const Tensor z23 = tg::filled({2, 3}, 0.5);
  tg::test::check_bad_inputs({
      {"parse_activation: a misspelt name", [] { (void)parse_activation("sigmod"); },
       TG_ERROR(std::invalid_argument),
       "unknown activation 'sigmod' (expected sigmoid, tanh, relu, identity or softmax)"},
      {"activation_backward: grad_a of another shape",
       [&] {
         (void)activation_backward(Activation::sigmoid, z23, z23, tg::filled({1, 3}, 1.0));
       },
       TG_ERROR(tg::shape_error),
       "activation_backward: z (2,3), a (2,3) and grad_a (1,3) must have one shape"},
      {"activation_backward: z of another shape",
       [&] {
         (void)activation_backward(Activation::relu, tg::filled({3, 2}, 0.5), z23, z23);
       },
       TG_ERROR(tg::shape_error),
       "activation_backward: z (3,2), a (2,3) and grad_a (2,3) must have one shape"},
      {"activation_backward: softmax of a vector",
       [] {
         const Tensor v{0.5, 0.5};
         (void)activation_backward(Activation::softmax, v, v, v);
       },
       TG_ERROR(tg::shape_error),
       "activation_backward: softmax works down the columns of an (N, m) matrix, got (2)"},
      {"activate: softmax of a 0-d Variable", [] { (void)activate(Activation::softmax, Variable(1.0)); },
       TG_ERROR(tg::shape_error), "softmax: axis 0 is out of range for shape ()"},
      {"activate: softmax of a 0-d Tensor",
       [] { (void)activate(Activation::softmax, tg::scalar_tensor(1.0)); }, TG_ERROR(tg::shape_error),
       "softmax_values: axis 0 is out of range for shape ()"},
  });
}
