// softmax and log_softmax (autodiff/ops/softmax.cpp): each slice along the axis sums to 1 and
// matches eˣ/Σeˣ; far-out inputs (±1000), where the naive formula overflows, still give finite,
// correct values and gradients; log_softmax agrees with log(softmax); a bad axis is an error.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "autodiff/autodiff.hpp"

using doctest::Approx;
using tg::Shape;
using tg::Tensor;
using tg::Variable;

namespace {

const Tensor x_values{{1.0, 2.0, 3.0}, {-1.0, 0.0, 4.0}};  // (2,3), moderate

// t must have shape `shape` and hold `expected` in row-major order.
void check_tensor(const Tensor& t, const Shape& shape, const std::vector<double>& expected) {
  REQUIRE(tg::shape_of(t) == shape);
  REQUIRE(t.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(std::isfinite(t.data()[i]));
    CHECK(t.data()[i] == Approx(expected[i]));
  }
}

bool all_finite(const Tensor& t) {
  for (double v : t)
    if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace

TEST_CASE("softmax: each row (axis -1 or 1) sums to 1") {
  const Variable x(x_values);
  for (int axis : {1, -1}) {
    CAPTURE(axis);
    const Tensor y = tg::softmax(x, axis).value();
    REQUIRE(tg::shape_of(y) == Shape{2, 3});
    for (std::size_t i = 0; i < 2; ++i) CHECK(y(i, 0) + y(i, 1) + y(i, 2) == Approx(1.0));
    for (double v : y) CHECK(v > 0.0);
  }
}

TEST_CASE("softmax: each column (axis 0) sums to 1") {
  const Tensor y = tg::softmax(Variable(x_values), 0).value();
  REQUIRE(tg::shape_of(y) == Shape{2, 3});
  for (std::size_t j = 0; j < 3; ++j) CHECK(y(0, j) + y(1, j) == Approx(1.0));
  // Column 0 holds 1 and −1: e¹/(e¹ + e⁻¹).
  CHECK(y(0, 0) == Approx(std::exp(1.0) / (std::exp(1.0) + std::exp(-1.0))));
}

TEST_CASE("softmax: equals exp(x) / sum(exp(x)) for moderate inputs") {
  const Tensor y = tg::softmax(Variable(x_values), -1).value();
  for (std::size_t i = 0; i < 2; ++i) {
    double z = 0.0;
    for (std::size_t j = 0; j < 3; ++j) z += std::exp(x_values(i, j));
    for (std::size_t j = 0; j < 3; ++j) {
      CAPTURE(i);
      CAPTURE(j);
      CHECK(y(i, j) == Approx(std::exp(x_values(i, j)) / z));
    }
  }
  // softmax([1, 2, 3]), to the digits.
  check_tensor(tg::softmax(Variable(Tensor{1.0, 2.0, 3.0}), 0).value(), {3},
               {0.09003057317038046, 0.24472847105479764, 0.6652409557748219});
}

TEST_CASE("softmax: the middle axis of a 3-D tensor") {
  Tensor xv = Tensor::from_shape({2, 3, 2});
  for (std::size_t i = 0; i < xv.size(); ++i) xv.data()[i] = 0.3 * static_cast<double>(i) - 1.0;
  const Tensor y = tg::softmax(Variable(xv), 1).value();
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t k = 0; k < 2; ++k) {
      const double z = std::exp(xv(i, 0, k)) + std::exp(xv(i, 1, k)) + std::exp(xv(i, 2, k));
      CHECK(y(i, 0, k) + y(i, 1, k) + y(i, 2, k) == Approx(1.0));
      for (std::size_t j = 0; j < 3; ++j) CHECK(y(i, j, k) == Approx(std::exp(xv(i, j, k)) / z));
    }
  }
}

TEST_CASE("softmax: adding a constant to the inputs changes nothing, even 1000") {
  const Tensor y = tg::softmax(Variable(x_values), -1).value();
  const Tensor y_shifted = tg::softmax(Variable(x_values) + 1000.0, -1).value();
  REQUIRE(all_finite(y_shifted));
  for (std::size_t i = 0; i < y.size(); ++i) CHECK(y_shifted.data()[i] == Approx(y.data()[i]));
}

TEST_CASE("softmax: {1000, -1000, 0} and {1000, 1000} give finite, correct values") {
  // e¹⁰⁰⁰ overflows a double; the answers are still 1, 0, 0 (e⁻¹⁰⁰⁰ and e⁻²⁰⁰⁰ underflow to 0).
  check_tensor(tg::softmax(Variable(Tensor{1000.0, -1000.0, 0.0}), 0).value(), {3}, {1, 0, 0});
  check_tensor(tg::softmax(Variable(Tensor{1000.0, 1000.0}), 0).value(), {2}, {0.5, 0.5});
  check_tensor(tg::softmax(Variable(Tensor{-1000.0, -1000.0}), 0).value(), {2}, {0.5, 0.5});
}

TEST_CASE("log_softmax: {1000, -1000, 0} and {1000, 1000} give finite, correct values") {
  // ln Σ eˣ = 1000 + ln(1 + e⁻²⁰⁰⁰ + e⁻¹⁰⁰⁰) = 1000 (to double precision).
  check_tensor(tg::log_softmax(Variable(Tensor{1000.0, -1000.0, 0.0}), 0).value(), {3},
               {0.0, -2000.0, -1000.0});
  const double ln2 = std::numbers::ln2;
  check_tensor(tg::log_softmax(Variable(Tensor{1000.0, 1000.0}), 0).value(), {2}, {-ln2, -ln2});
  check_tensor(tg::log_softmax(Variable(Tensor{-1000.0, -1000.0}), 0).value(), {2}, {-ln2, -ln2});
}

TEST_CASE("softmax: gradients at ±1000 are finite and equal y ⊙ (g − Σ g y)") {
  // x = {1000, 1000}: y = {½, ½}; seed g = {1, 3}: Σ g y = 2, so ∂C/∂x = {½(1−2), ½(3−2)}.
  Variable x(Tensor{1000.0, 1000.0}, true);
  tg::softmax(x, 0).backward(Tensor{1.0, 3.0});
  check_tensor(x.grad(), {2}, {-0.5, 0.5});

  // x = {1000, −1000, 0}: y = {1, 0, 0}; seed {1, 2, 3}: Σ g y = 1, so ∂C/∂x = {0, 0, 0}.
  Variable z(Tensor{1000.0, -1000.0, 0.0}, true);
  tg::softmax(z, 0).backward(Tensor{1.0, 2.0, 3.0});
  check_tensor(z.grad(), {3}, {0, 0, 0});
}

TEST_CASE("log_softmax: gradients at ±1000 are finite and equal g − softmax ⊙ Σ g") {
  // x = {1000, 1000}: softmax = {½, ½}; seed {1, 3}: Σ g = 4, so ∂C/∂x = {1 − 2, 3 − 2}.
  Variable x(Tensor{1000.0, 1000.0}, true);
  tg::log_softmax(x, 0).backward(Tensor{1.0, 3.0});
  check_tensor(x.grad(), {2}, {-1, 1});

  // x = {1000, −1000, 0}: softmax = {1, 0, 0}; seed {1, 2, 3}: Σ g = 6, so ∂C/∂x = {1−6, 2, 3}.
  Variable z(Tensor{1000.0, -1000.0, 0.0}, true);
  tg::log_softmax(z, 0).backward(Tensor{1.0, 2.0, 3.0});
  check_tensor(z.grad(), {3}, {-5, 2, 3});
}

TEST_CASE("log_softmax equals log(softmax) and x − ln Σ eˣ for moderate inputs") {
  const Variable x(x_values);
  for (int axis : {0, 1, -1}) {
    CAPTURE(axis);
    const Tensor ls = tg::log_softmax(x, axis).value();
    const Tensor lsm = tg::log(tg::softmax(x, axis)).value();
    REQUIRE(tg::shape_of(ls) == Shape{2, 3});
    for (std::size_t i = 0; i < ls.size(); ++i) CHECK(ls.data()[i] == Approx(lsm.data()[i]));
  }
  const Tensor ls = tg::log_softmax(x, -1).value();
  for (std::size_t i = 0; i < 2; ++i) {
    const double lse = std::log(std::exp(x_values(i, 0)) + std::exp(x_values(i, 1)) + std::exp(x_values(i, 2)));
    for (std::size_t j = 0; j < 3; ++j) CHECK(ls(i, j) == Approx(x_values(i, j) - lse));
  }
}

TEST_CASE("softmax and log_softmax: an axis out of range names the op, axis and shape") {
  const Variable x(x_values);  // (2,3)
  CHECK_THROWS_AS(tg::softmax(x, 2), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::softmax(x, 2), doctest::Contains("softmax: axis 2"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::softmax(x, 2), doctest::Contains("(2,3)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::log_softmax(x, -3), doctest::Contains("log_softmax"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::log_softmax(x, -3), doctest::Contains("axis -3"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::softmax(Variable(1.0), 0), doctest::Contains("()"), tg::shape_error);
}
