// Elementwise functions (autodiff/ops/math.cpp): exp, log, pow, sqrt, abs, tanh, sigmoid, relu and erf
// against the C++ standard library; sigmoid far out at ±1000 (no NaN, value or gradient); and
// the derivatives at the kinks, which gradcheck cannot see: relu and abs at 0 and below.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "autodiff/autodiff.hpp"

using doctest::Approx;
using tg::Shape;
using tg::Tensor;
using tg::Variable;

namespace {

const Tensor any_x{{-2.0, -0.5, 0.0}, {0.5, 1.0, 3.0}};     // (2,3), any sign
const Tensor positive_x{{0.25, 1.0, 2.0}, {4.0, 9.0, 0.1}};  // (2,3), > 0

// y must have x's shape and hold f(x) element by element.
void check_elementwise(const Variable& y, const Tensor& x, const std::function<double(double)>& f) {
  REQUIRE(y.shape() == tg::shape_of(x));
  for (std::size_t i = 0; i < x.size(); ++i) {
    CAPTURE(i);
    CAPTURE(x.data()[i]);
    CHECK(y.value().data()[i] == Approx(f(x.data()[i])));
  }
}

}  // namespace

TEST_CASE("math: exp, tanh, abs, relu and sigmoid match the standard library") {
  const Variable x(any_x);
  check_elementwise(tg::exp(x), any_x, [](double v) { return std::exp(v); });
  check_elementwise(tg::tanh(x), any_x, [](double v) { return std::tanh(v); });
  check_elementwise(tg::abs(x), any_x, [](double v) { return std::fabs(v); });
  check_elementwise(tg::relu(x), any_x, [](double v) { return v > 0.0 ? v : 0.0; });
  check_elementwise(tg::sigmoid(x), any_x, [](double v) { return 1.0 / (1.0 + std::exp(-v)); });
  // A few numbers known by heart.
  CHECK(tg::exp(Variable(1.0)).item() == Approx(2.718281828459045));
  CHECK(tg::sigmoid(Variable(0.0)).item() == 0.5);
  CHECK(tg::tanh(Variable(0.0)).item() == 0.0);
  CHECK(tg::abs(Variable(-3.5)).item() == 3.5);
  CHECK(tg::relu(Variable(-3.5)).item() == 0.0);
}

TEST_CASE("math: log and sqrt match the standard library on positive inputs") {
  const Variable x(positive_x);
  check_elementwise(tg::log(x), positive_x, [](double v) { return std::log(v); });
  check_elementwise(tg::sqrt(x), positive_x, [](double v) { return std::sqrt(v); });
  CHECK(tg::log(Variable(1.0)).item() == 0.0);
  CHECK(tg::log(tg::exp(Variable(2.5))).item() == Approx(2.5));
  CHECK(tg::sqrt(Variable(9.0)).item() == Approx(3.0));
}

TEST_CASE("math: pow with a double exponent") {
  check_elementwise(tg::pow(Variable(any_x), 3.0), any_x, [](double v) { return v * v * v; });
  check_elementwise(tg::pow(Variable(any_x), 2.0), any_x, [](double v) { return v * v; });
  check_elementwise(tg::pow(Variable(positive_x), 0.5), positive_x, [](double v) { return std::sqrt(v); });
  check_elementwise(tg::pow(Variable(positive_x), -1.5), positive_x,
                    [](double v) { return 1.0 / (v * std::sqrt(v)); });
  CHECK(tg::pow(Variable(2.0), 10.0).item() == Approx(1024.0));
}

TEST_CASE("math: pow with p = 0 is 1 everywhere (0⁰ included) and has gradient 0") {
  Variable x(any_x, true);  // contains 0
  const Variable y = tg::pow(x, 0.0);
  check_elementwise(y, any_x, [](double) { return 1.0; });
  tg::sum(y).backward();
  for (double g : x.grad()) {
    CHECK(std::isfinite(g));
    CHECK(g == 0.0);
  }
}

TEST_CASE("math: pow with a Variable exponent, elementwise and broadcast") {
  const Variable x(Tensor{2.0, 3.0, 0.5, 4.0}), p(Tensor{3.0, -1.0, 2.0, 0.5});
  const Variable y = tg::pow(x, p);
  REQUIRE(y.shape() == Shape{4});
  CHECK(y.value()(0) == Approx(8.0));
  CHECK(y.value()(1) == Approx(1.0 / 3.0));
  CHECK(y.value()(2) == Approx(0.25));
  CHECK(y.value()(3) == Approx(2.0));

  // (2,1) ** (1,3) -> (2,3): x_i ** p_j.
  Tensor xc = Tensor::from_shape({2, 1});
  xc(0, 0) = 2.0;
  xc(1, 0) = 3.0;
  const Variable z = tg::pow(Variable(xc), Variable(Tensor{{0.0, 1.0, 2.0}}));
  REQUIRE(z.shape() == Shape{2, 3});
  const std::vector<double> expected{1, 2, 4, 1, 3, 9};
  for (std::size_t i = 0; i < 6; ++i) CHECK(z.value().data()[i] == Approx(expected[i]));

  // The exponent's own gradient: ∂(xᵖ)/∂p = xᵖ ln x;  for 2³: 8 ln 2.
  Variable base(2.0, true), power(3.0, true);
  tg::pow(base, power).backward();
  CHECK(power.grad()() == Approx(8.0 * std::log(2.0)));
  CHECK(base.grad()() == Approx(12.0));  // p xᵖ⁻¹ = 3·4
}

TEST_CASE("math: pow with exponent shapes that do not broadcast names pow and both shapes") {
  const Variable x(tg::filled({2, 3}, 2.0)), p(tg::filled({2}, 1.0));
  CHECK_THROWS_WITH_AS(tg::pow(x, p), doctest::Contains("pow"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::pow(x, p), doctest::Contains("(2,3)"), tg::shape_error);
  CHECK_THROWS_WITH_AS(tg::pow(x, p), doctest::Contains("(2)"), tg::shape_error);
}

TEST_CASE("math: sigmoid at ±1000 is exactly 0 and 1, and its gradient there is 0, not NaN") {
  Variable x(Tensor{-1000.0, 1000.0}, true);
  const Variable y = tg::sigmoid(x);
  CHECK(std::isfinite(y.value()(0)));
  CHECK(std::isfinite(y.value()(1)));
  CHECK(y.value()(0) == 0.0);
  CHECK(y.value()(1) == 1.0);
  tg::sum(y).backward();
  CHECK(std::isfinite(x.grad()(0)));
  CHECK(std::isfinite(x.grad()(1)));
  CHECK(x.grad()(0) == 0.0);
  CHECK(x.grad()(1) == 0.0);
}

TEST_CASE("math: sigmoid and tanh gradients at 0 are 1/4 and 1") {
  Variable x(0.0, true);
  tg::sigmoid(x).backward();
  CHECK(x.grad()() == Approx(0.25));
  Variable t(0.0, true);
  tg::tanh(t).backward();
  CHECK(t.grad()() == Approx(1.0));
}

TEST_CASE("math: relu's gradient is 0 for negative inputs (and at 0), 1 for positive ones") {
  Variable x(Tensor{-2.0, -0.5, 0.0, 0.5, 3.0}, true);
  tg::relu(x).backward(Tensor{10.0, 10.0, 10.0, 10.0, 10.0});
  const std::vector<double> expected{0, 0, 0, 10, 10};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(x.grad()(i) == expected[i]);
  }
}

TEST_CASE("math: abs's gradient is the sign, with sign(0) = 0") {
  Variable x(Tensor{-2.0, 0.0, 3.0}, true);
  tg::sum(tg::abs(x)).backward();
  CHECK(x.grad()(0) == -1.0);
  CHECK(x.grad()(1) == 0.0);
  CHECK(x.grad()(2) == 1.0);
}

TEST_CASE("math: erf matches the standard library, and its derivative is (2/√π) e^{−x²}") {
  check_elementwise(tg::erf(Variable(any_x)), any_x, [](double v) { return std::erf(v); });
  CHECK(tg::erf(Variable(0.0)).item() == 0.0);
  CHECK(tg::erf(Variable(1.0)).item() == Approx(0.8427007929497149));
  CHECK(tg::erf(Variable(-1.0)).item() == Approx(-0.8427007929497149));
  Variable x(Tensor{0.0, 1.0}, true);
  tg::sum(tg::erf(x)).backward();
  CHECK(x.grad()(0) == Approx(1.1283791670955126));  // 2/√π
  CHECK(x.grad()(1) == Approx(1.1283791670955126 * std::exp(-1.0)));
}
